"""Work other apps do when a block-year enters a phase, e.g. scoring locks the criteria when scoring opens.

Apps register a hook in their AppConfig.ready(); `block_year_advance_phase` runs the hooks of the new
phase inside its own transaction, after recording the move. A hook that refuses (raises a DomainError)
therefore refuses the whole move and nothing is written. Organisations never import the apps that
build on it; they come to it.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

PhaseHook = Callable[..., None]  # hook(*, actor, block_year)

_HOOKS: dict[str, list[PhaseHook]] = defaultdict(list)


def on_enter(phase: str, hook: PhaseHook) -> None:
    """Run `hook(actor=..., block_year=...)` whenever a block-year enters `phase` (registering twice is a no-op)."""
    if hook not in _HOOKS[phase]:
        _HOOKS[phase].append(hook)


def run_enter_hooks(*, actor: Any, block_year: Any, phase: str) -> None:
    for hook in _HOOKS.get(phase, []):
        hook(actor=actor, block_year=block_year)
