"""The numbers and choices of the eligibility rules: a plain mapping in, typed `Parameters` out.

Numbers of law are dated parameters, never literals in code (DESIGN.md): the catalogue stores them
with their validity dates and legal source (`AwardParameter`), a service reads the values in force
for the year and passes them here as a plain mapping {key: value}. Keys the engine does not know
are ignored (the catalogue holds other parameters too, e.g. `collective_multiplier`); a key it knows
with a bad value is refused ("invalid_parameter"). Whatever is missing falls back to the defaults of
the year's rule set, which are these:

Key = default — meaning (source):
- `ldtt_min_rating` = "good" — least task rating for Advanced labourer (Law 2022 Art. 24(1)(a)).
- `cstdcs_rule` = "excellent_or_initiative" — CSTĐCS needs excellent completion *or* an initiative (Art. 23);
  the draft amendment (domain.md §1.3) would make it "excellent_and_initiative".
- `cstdcs_quota` = None — optional cap on CSTĐCS as a share of the unit's Advanced labourers (old rule 0.15;
  UNCONFIRMED).
- `cstd_tinh_consecutive` = 3 — consecutive CSTĐCS for Provincial emulation fighter (Art. 22).
- `cstd_tinh_initiative_scope` = "provincial" — scope its initiative must reach (Art. 22).
- `cstd_toan_quoc_consecutive` = 2 — consecutive Provincial emulation fighter awards for National (Art. 21).
- `cstd_tinh_max_gap` = 3 — two Provincial emulation fighter awards are "consecutive" when at most this many
  years apart (UNCONFIRMED; each needs three new CSTĐCS years, so adjacent years are impossible).
- `cstd_toan_quoc_initiative_scope` = "national" — scope the National emulation fighter's initiative must reach.
- `ttldtt_min_rating` = "good" — least task rating of an Advanced labour collective (Art. 28, UNCONFIRMED).
- `ttldtt_ldtt_share` = 0.50 — members with Advanced labourer, strictly more than (2003 wording, UNCONFIRMED).
- `ttldxs_ldtt_share` = 0.70 — members with Advanced labourer, at least (Art. 27(1)(c)).
- `ttldxs_completing_share` = 1 — members who completed their tasks, at least (Art. 27(1)(c)).
- `ttldxs_cstdcs_min` = 1 — members with Grassroots emulation fighter, at least (Art. 27(1)(d)).
- `government_flag_share` = 0.20 — cap on Government-flag proposals as a share of the province's block leaders
  (5007/BNV-TĐKT; UNCONFIRMED under ND98/ND152).
- `government_flag_rounding` = "down" — the cap in whole proposals: "down" (never above the share, "không
  quá"), "up" or "nearest" (half up) (UNCONFIRMED).
- `bang_khen_tinh_cstdcs_consecutive` = 2 — consecutive CSTĐCS for the individual provincial Certificate of Merit
  (Art. 74(1)(d)); or:
- `bang_khen_tinh_excellent_years` = 2 — consecutive years of excellent completion …
- `bang_khen_tinh_initiatives` = 2 — … with this many grassroots initiatives in those years (Art. 74(1)(d)).
- `history_run_end` = "either" — a run of earlier awards must end in the year evaluated ("this_year"), the year
  before ("previous_year") or either (UNCONFIRMED).
- `history_reset_after_award` = True — years already used for an award do not count again towards the same award
  (UNCONFIRMED; Law Art. 5(2)(c)).
- `same_achievement_groups` = [] — groups of award codes that are alternatives for one achievement, e.g.
  [["co_tinh", "co_chinh_phu"]] (UNCONFIRMED).

Shares are exact fractions (Decimal, int, "0.7" or a float read through its shortest text), never floats.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from .data import Scope, TaskRating
from .errors import RuleViolation

CSTDCS_RULES = ("excellent_or_initiative", "excellent_and_initiative")
RUN_ENDS = ("this_year", "previous_year", "either")
ROUNDINGS = ("down", "up", "nearest")


@dataclass(frozen=True)
class Parameters:
    """The typed parameters in force for one evaluation (see the module docstring for each key)."""

    ldtt_min_rating: TaskRating = TaskRating.GOOD
    cstdcs_rule: str = "excellent_or_initiative"
    cstdcs_quota: Fraction | None = None
    cstd_tinh_consecutive: int = 3
    cstd_tinh_initiative_scope: Scope = Scope.PROVINCIAL
    cstd_toan_quoc_consecutive: int = 2
    cstd_tinh_max_gap: int = 3
    cstd_toan_quoc_initiative_scope: Scope = Scope.NATIONAL
    ttldtt_min_rating: TaskRating = TaskRating.GOOD
    ttldtt_ldtt_share: Fraction = Fraction(1, 2)
    ttldxs_ldtt_share: Fraction = Fraction(7, 10)
    ttldxs_completing_share: Fraction = Fraction(1)
    ttldxs_cstdcs_min: int = 1
    government_flag_share: Fraction = Fraction(1, 5)
    government_flag_rounding: str = "down"
    bang_khen_tinh_cstdcs_consecutive: int = 2
    bang_khen_tinh_excellent_years: int = 2
    bang_khen_tinh_initiatives: int = 2
    history_run_end: str = "either"
    history_reset_after_award: bool = True
    same_achievement_groups: tuple[frozenset[str], ...] = ()

    def with_values(self, values: Mapping[str, Any] | None) -> "Parameters":
        """These parameters with the known keys of `values` replaced (parsed and checked)."""
        if not values:
            return self
        changes = {name: _PARSERS[name](name, value) for name, value in values.items() if name in _PARSERS}
        return replace(self, **changes)

    def as_mapping(self) -> dict[str, Any]:
        """The parameters as plain JSON-friendly values (shares as decimal strings), e.g. to seed the catalogue."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Fraction):
                value = str(Decimal(value.numerator) / Decimal(value.denominator))
            elif isinstance(value, tuple):
                value = [sorted(group) for group in value]
            elif isinstance(value, TaskRating | Scope):
                value = value.value
            out[f.name] = value
        return out

    def text_values(self) -> dict[str, Any]:
        """The parameters for plain-language texts: shares as percentages ("70"), choices as they are."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = percent_text(value) if isinstance(value, Fraction) else value
        return out


def percent_text(value: Fraction) -> str:
    """A share as a percentage with at most one decimal: 7/10 → "70", 2/3 → "66.7"."""
    tenths = math.floor(value * 1000 + Fraction(1, 2))
    whole, rest = divmod(tenths, 10)
    return str(whole) if rest == 0 else f"{whole}.{rest}"


def _invalid(name: str, message: str) -> RuleViolation:
    return RuleViolation("invalid_parameter", message, field=name, parameter=name)


def _share(name: str, value: Any) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise _invalid(name, _("The parameter %(name)s must be a share between 0 and 1.") % {"name": name})
    try:
        if isinstance(value, Fraction | int):
            share = Fraction(value)
        elif isinstance(value, float):
            share = Fraction(Decimal(repr(value)))
        else:
            share = Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        raise _invalid(name, _("The parameter %(name)s must be a share between 0 and 1.") % {"name": name}) from None
    if not 0 <= share <= 1:
        raise _invalid(name, _("The parameter %(name)s must be a share between 0 and 1.") % {"name": name})
    return share


def _optional_share(name: str, value: Any) -> Fraction | None:
    return None if value is None or value == "" else _share(name, value)


def _whole(name: str, value: Any, minimum: int) -> int:
    number: Any = value
    if isinstance(value, Decimal | str):
        try:
            decimal = Decimal(str(value).strip())
        except InvalidOperation:
            decimal = Decimal("NaN")
        number = int(decimal) if decimal.is_finite() and decimal == decimal.to_integral_value() else None
    if isinstance(number, bool) or not isinstance(number, int) or number < minimum:
        raise _invalid(
            name,
            _("The parameter %(name)s must be a whole number, %(minimum)s or more.")
            % {"name": name, "minimum": minimum},
        )
    return number


def _positive_int(name: str, value: Any) -> int:
    return _whole(name, value, 1)


def _non_negative_int(name: str, value: Any) -> int:
    return _whole(name, value, 0)


def _choice(options: tuple[str, ...]) -> Any:
    def parse(name: str, value: Any) -> str:
        if value not in options:
            raise _invalid(
                name,
                _("The parameter %(name)s must be one of: %(options)s.")
                % {"name": name, "options": ", ".join(options)},
            )
        return str(value)

    return parse


def _rating(name: str, value: Any) -> TaskRating:
    try:
        return TaskRating(value)
    except ValueError:
        raise _invalid(name, _("The parameter %(name)s must be a task rating.") % {"name": name}) from None


def _scope(name: str, value: Any) -> Scope:
    try:
        return Scope(value)
    except ValueError:
        raise _invalid(name, _("The parameter %(name)s must be a scope.") % {"name": name}) from None


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _invalid(name, _("The parameter %(name)s must be true or false.") % {"name": name})
    return value


def _groups(name: str, value: Any) -> tuple[frozenset[str], ...]:
    message = _("The parameter %(name)s must be a list of lists of award codes.") % {"name": name}
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise _invalid(name, message)
    groups = []
    for group in value:
        if isinstance(group, str | bytes) or not hasattr(group, "__iter__"):
            raise _invalid(name, message)
        codes = frozenset(group)
        if not all(isinstance(code, str) for code in codes):
            raise _invalid(name, message)
        groups.append(codes)
    return tuple(groups)


_PARSERS: dict[str, Any] = {
    "ldtt_min_rating": _rating,
    "cstdcs_rule": _choice(CSTDCS_RULES),
    "cstdcs_quota": _optional_share,
    "cstd_tinh_consecutive": _positive_int,
    "cstd_tinh_initiative_scope": _scope,
    "cstd_toan_quoc_consecutive": _positive_int,
    "cstd_tinh_max_gap": _positive_int,
    "cstd_toan_quoc_initiative_scope": _scope,
    "ttldtt_min_rating": _rating,
    "ttldtt_ldtt_share": _share,
    "ttldxs_ldtt_share": _share,
    "ttldxs_completing_share": _share,
    "ttldxs_cstdcs_min": _non_negative_int,
    "government_flag_share": _share,
    "government_flag_rounding": _choice(ROUNDINGS),
    "bang_khen_tinh_cstdcs_consecutive": _positive_int,
    "bang_khen_tinh_excellent_years": _positive_int,
    "bang_khen_tinh_initiatives": _non_negative_int,
    "history_run_end": _choice(RUN_ENDS),
    "history_reset_after_award": _bool,
    "same_achievement_groups": _groups,
}

PARAMETER_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Parameters))
DEFAULT_PARAMETERS: dict[str, Any] = Parameters().as_mapping()
