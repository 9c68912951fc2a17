"""The plain data the eligibility engine reads: award codes, the candidate, its award history, the year's facts.

Services fetch these from the registry, the scoring and the conference results and hand them over as
frozen dataclasses, so the engine never touches the database and can be tested with any history one
can write down. Every fact of the year is optional: a rule that needs a fact nobody supplied answers
UNKNOWN instead of guessing (issue #5 item 2: "each rule answers pass / fail / unknown with the
evidence it used").
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import RuleViolation


class AwardCode(StrEnum):
    """The stable codes of the awards catalogue (thidua.awards models use the same slugs)."""

    LDTT = "ldtt"  # Lao động tiên tiến
    CSTD_CO_SO = "cstd_co_so"  # Chiến sĩ thi đua cơ sở
    CSTD_TINH = "cstd_tinh"  # Chiến sĩ thi đua cấp tỉnh
    CSTD_TOAN_QUOC = "cstd_toan_quoc"  # Chiến sĩ thi đua toàn quốc
    TTLDTT = "ttldtt"  # Tập thể lao động tiên tiến
    TTLDXS = "ttldxs"  # Tập thể lao động xuất sắc
    CO_TINH = "co_tinh"  # Cờ thi đua của UBND tỉnh
    CO_CHINH_PHU = "co_chinh_phu"  # Cờ thi đua của Chính phủ
    BANG_KHEN_TINH = "bang_khen_tinh"  # Bằng khen của Chủ tịch UBND tỉnh
    BANG_KHEN_TTG = "bang_khen_ttg"  # Bằng khen của Thủ tướng Chính phủ
    GIAY_KHEN = "giay_khen"  # Giấy khen

    @property
    def label(self) -> str:
        return str(AWARD_LABELS[self])


# The same English sources as thidua.emulation.titles, so one translation serves both.
AWARD_LABELS = {
    AwardCode.LDTT: gettext_lazy("Advanced labourer"),
    AwardCode.CSTD_CO_SO: gettext_lazy("Grassroots emulation fighter"),
    AwardCode.CSTD_TINH: gettext_lazy("Provincial emulation fighter"),
    AwardCode.CSTD_TOAN_QUOC: gettext_lazy("National emulation fighter"),
    AwardCode.TTLDTT: gettext_lazy("Advanced labour collective"),
    AwardCode.TTLDXS: gettext_lazy("Excellent labour collective"),
    AwardCode.CO_TINH: gettext_lazy("Emulation Flag of the Provincial People's Committee"),
    AwardCode.CO_CHINH_PHU: gettext_lazy("Emulation Flag of the Government"),
    AwardCode.BANG_KHEN_TINH: gettext_lazy("Certificate of Merit of the Chairman of the Provincial People's Committee"),
    AwardCode.BANG_KHEN_TTG: gettext_lazy("Certificate of Merit of the Prime Minister"),
    AwardCode.GIAY_KHEN: gettext_lazy("Certificate of Commendation"),
}


def award_label(code: str) -> str:
    """The translated name of an award code; the code itself when the engine does not know it."""
    try:
        return AwardCode(code).label
    except ValueError:
        return code


class RecipientKind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        return _("collective") if self is RecipientKind.COLLECTIVE else _("individual")


class TaskRating(StrEnum):
    """The yearly assessment of how a person or a unit completed its tasks (đánh giá, xếp loại)."""

    EXCELLENT = "excellent"  # hoàn thành xuất sắc nhiệm vụ
    GOOD = "good"  # hoàn thành tốt nhiệm vụ
    COMPLETED = "completed"  # hoàn thành nhiệm vụ
    NOT_COMPLETED = "not completed"  # không hoàn thành nhiệm vụ

    @property
    def rank(self) -> int:
        return _RATING_RANK[self]

    def at_least(self, other: "TaskRating") -> bool:
        return self.rank >= other.rank

    @property
    def label(self) -> str:
        return {
            TaskRating.EXCELLENT: _("completed tasks excellently"),
            TaskRating.GOOD: _("completed tasks well"),
            TaskRating.COMPLETED: _("completed tasks"),
            TaskRating.NOT_COMPLETED: _("did not complete tasks"),
        }[self]


_RATING_RANK = {TaskRating.NOT_COMPLETED: 0, TaskRating.COMPLETED: 1, TaskRating.GOOD: 2, TaskRating.EXCELLENT: 3}


class Scope(StrEnum):
    """How far an initiative (sáng kiến) is recognised and applied: the unit, the province, the country."""

    GRASSROOTS = "grassroots"  # cơ sở
    PROVINCIAL = "provincial"  # Bộ, ban, ngành, tỉnh
    NATIONAL = "national"  # toàn quốc

    @property
    def rank(self) -> int:
        return {Scope.GRASSROOTS: 0, Scope.PROVINCIAL: 1, Scope.NATIONAL: 2}[self]

    @property
    def label(self) -> str:
        return {
            Scope.GRASSROOTS: _("grassroots"),
            Scope.PROVINCIAL: _("provincial"),
            Scope.NATIONAL: _("national"),
        }[self]


def _check_count(value: int | None, field: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise RuleViolation("invalid_fact", _("Counts must be whole numbers, 0 or more."), field=field)


@dataclass(frozen=True)
class Initiatives:
    """Initiatives recognised, counted by the widest scope each was recognised at.

    An initiative recognised at provincial scope also counts where grassroots recognition is asked
    for (`at_least`): a province recognises only what a unit already applies.
    """

    grassroots: int = 0
    provincial: int = 0
    national: int = 0

    def __post_init__(self) -> None:
        for name in ("grassroots", "provincial", "national"):
            _check_count(getattr(self, name), f"initiatives.{name}")

    @classmethod
    def of(cls, scopes: Iterable[Scope | str]) -> "Initiatives":
        """Count a list of initiatives by scope: `Initiatives.of(["grassroots", "provincial"])`."""
        counts = {scope: 0 for scope in Scope}
        for scope in scopes:
            counts[Scope(scope)] += 1
        return cls(counts[Scope.GRASSROOTS], counts[Scope.PROVINCIAL], counts[Scope.NATIONAL])

    def at_least(self, scope: Scope) -> int:
        """How many initiatives were recognised at `scope` or wider."""
        by_scope = {Scope.GRASSROOTS: self.grassroots, Scope.PROVINCIAL: self.provincial, Scope.NATIONAL: self.national}
        return sum(count for s, count in by_scope.items() if s.rank >= scope.rank)

    def __add__(self, other: "Initiatives") -> "Initiatives":
        return Initiatives(
            self.grassroots + other.grassroots, self.provincial + other.provincial, self.national + other.national
        )


@dataclass(frozen=True)
class AwardRecord:
    """One award in the registry: who, what, for which year, decided when.

    `counts_as_history` is False for thematic and ad-hoc awards (ND152: "Kết quả khen thưởng thành tích
    đột xuất, thi đua theo chuyên đề không dùng làm căn cứ…"); a revoked award (Law Chapter VII) is
    void. Neither ever counts — not as a prerequisite, not as an earlier award for the same achievement.
    """

    recipient: Hashable
    award_code: str
    year: int
    decision_date: date | None = None
    counts_as_history: bool = True
    revoked: bool = False

    @property
    def counts(self) -> bool:
        return self.counts_as_history and not self.revoked


@dataclass(frozen=True)
class ProposalRef:
    """A live proposal already made for the candidate (drafted and not withdrawn, returned or rejected).

    The service lists every such proposal except the one being evaluated; `reference` is whatever
    lets a page link to it (a primary key, a number).
    """

    award_code: str
    year: int
    reference: Hashable = None


@dataclass(frozen=True)
class Candidate:
    """Who is evaluated: a unit (collective) or a person (individual), for the achievement of `year`."""

    key: Hashable
    kind: RecipientKind
    year: int

    def __post_init__(self) -> None:
        if not isinstance(self.kind, RecipientKind):
            try:
                object.__setattr__(self, "kind", RecipientKind(self.kind))
            except ValueError:
                raise RuleViolation(
                    "invalid_fact", _("A candidate is a collective or an individual."), field="kind"
                ) from None


@dataclass(frozen=True)
class PastYear:
    """What is known of an earlier year of the candidate: its task rating and the initiatives recognised."""

    year: int
    task_rating: TaskRating | None = None
    initiatives: Initiatives | None = None


_COUNT_FIELDS = (
    "member_count",
    "members_completing",
    "members_ldtt",
    "members_cstdcs",
    "members_disciplined",
    "block_leaders_in_province",
    "government_flag_proposals",
    "unit_ldtt_count",
    "unit_cstdcs_proposals",
)
_MEMBER_FIELDS = ("members_completing", "members_ldtt", "members_cstdcs", "members_disciplined")


@dataclass(frozen=True)
class YearFacts:
    """The facts of the candidate's year; None = not known (the rules that need it answer UNKNOWN).

    - `task_rating`: the candidate's own rating for the year.
    - `initiatives`: initiatives recognised for this year's achievement.
    - `disciplinary_hold`: under disciplinary review, investigation or inspection (ND152: no award meanwhile).
    - collectives: `member_count`, and among them `members_completing` (completed their tasks),
      `members_ldtt` (Advanced labourer this year), `members_cstdcs` (Grassroots emulation fighter this
      year), `members_disciplined` (disciplined at "warning" (cảnh cáo) or above this year).
    - block: `led_block` (voted the block's leading unit by the conference result);
      `block_leaders_in_province` (all block leaders of the province that year) and
      `government_flag_proposals` (Government-flag proposals already counted against the province's cap,
      not counting this candidate).
    - CSTĐCS quota (only when a quota parameter is set): `unit_ldtt_count` (Advanced labourers of the
      candidate's unit) and `unit_cstdcs_proposals` (CSTĐCS proposals already counted, not this one).
    - `earlier_years`: ratings and initiatives of earlier years (for "N consecutive years of excellent
      completion"); `proposals`: the candidate's other live proposals (see `ProposalRef`).
    """

    task_rating: TaskRating | None = None
    initiatives: Initiatives | None = None
    disciplinary_hold: bool | None = None
    member_count: int | None = None
    members_completing: int | None = None
    members_ldtt: int | None = None
    members_cstdcs: int | None = None
    members_disciplined: int | None = None
    led_block: bool | None = None
    block_leaders_in_province: int | None = None
    government_flag_proposals: int | None = None
    unit_ldtt_count: int | None = None
    unit_cstdcs_proposals: int | None = None
    earlier_years: tuple[PastYear, ...] = ()
    proposals: tuple[ProposalRef, ...] = ()

    def __post_init__(self) -> None:
        if self.task_rating is not None and not isinstance(self.task_rating, TaskRating):
            try:
                object.__setattr__(self, "task_rating", TaskRating(self.task_rating))
            except ValueError:
                raise RuleViolation(
                    "invalid_fact",
                    _("The task rating must be excellent, good, completed or not completed."),
                    field="task_rating",
                ) from None
        for name in _COUNT_FIELDS:
            _check_count(getattr(self, name), name)
        if self.member_count is not None:
            for name in _MEMBER_FIELDS:
                value = getattr(self, name)
                if value is not None and value > self.member_count:
                    raise RuleViolation(
                        "inconsistent_facts",
                        _("%(field)s (%(value)s) is more than the member count (%(count)s).")
                        % {"field": name, "value": value, "count": self.member_count},
                        field=name,
                    )
        if (
            self.members_completing is not None
            and self.members_ldtt is not None
            and self.members_ldtt > self.members_completing
        ):
            raise RuleViolation(
                "inconsistent_facts",
                _("More members are Advanced labourers than completed their tasks."),
                field="members_ldtt",
            )
        if (
            self.members_cstdcs is not None
            and self.members_ldtt is not None
            and self.members_cstdcs > self.members_ldtt
        ):
            raise RuleViolation(
                "inconsistent_facts",
                _("More members are Grassroots emulation fighters than Advanced labourers."),
                field="members_cstdcs",
            )
        years = [past.year for past in self.earlier_years]
        if len(years) != len(set(years)):
            raise RuleViolation("inconsistent_facts", _("An earlier year is listed twice."), field="earlier_years")

    def known(self) -> dict[str, object]:
        """The facts that are set, by name (for evidence and debugging)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, ())}
