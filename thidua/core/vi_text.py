"""Vietnamese text folding for search that ignores tone marks, đ/Đ and case.

Unicode gives `đ` (U+0111) and `Đ` (U+0110) no canonical decomposition, so stripping combining
marks alone leaves them; SQLite's FTS5 never folds them either. One function folds text the same
way before it is stored in a `search_key` column and before a query is matched against it, so
both databases behave the same: "quang tri" finds "Quảng Trị", "duc" finds "Đức".
"""

import re
import unicodedata

_STROKE_D = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def vi_fold(text: str | None) -> str:
    """Return `text` without tone marks, with đ→d, case-folded and with collapsed whitespace."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_STROKE_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped).casefold()).strip()


def search_tokens(query: str | None) -> list[str]:
    """Fold a user's query and split it into word tokens (punctuation dropped)."""
    return [token for token in re.split(r"[^\w]+", vi_fold(query)) if token]


def search_key(*parts: str | None) -> str:
    """Build the folded `search_key` for a row from several of its text fields."""
    return " ".join(folded for folded in (vi_fold(part) for part in parts) if folded)
