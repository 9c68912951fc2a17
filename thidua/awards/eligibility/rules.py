"""The eligibility rules of Law 06/2022/QH15 (with ND98 / ND152), one declarative `Rule` each.

Each rule states what it checks, cites the law and answers PASS / FAIL / UNKNOWN with the evidence it
used. A rule that needs a fact nobody supplied answers UNKNOWN; only criteria a machine can check are
encoded (completion ratings, shares of members, runs of earlier awards, block results, quotas); the
qualitative criteria of each title ("tích cực tham gia phong trào thi đua", "nội bộ đoàn kết"…) stay
with the council, and the explanations say so.

Decisions where domain.md says UNCONFIRMED (all adjustable through `parameters`):
- a run of earlier awards may end in the year evaluated or the year before (`history_run_end`);
- the years used for an award do not count again towards the same award (`history_reset_after_award`):
  after a Provincial emulation fighter for 2024 (CSTĐCS 2022–2024) the next needs CSTĐCS 2025–2027;
- two Provincial emulation fighter awards are consecutive when at most `cstd_tinh_max_gap` (3) years
  apart — adjacent years are impossible when each needs three new CSTĐCS years;
- an initiative recognised at a wider scope also counts where a narrower one is asked for;
- the initiative of a Provincial (National) emulation fighter may come from any year of its
  qualifying period: the N years ending with the year evaluated (N × the provincial gap for National);
- the Government-flag cap is rounded down ("không quá 20 %": 2 of 12 leaders, 0 of 4);
- a prerequisite only proposed for the same year (not yet decided) makes the answer UNKNOWN, not FAIL.
"""

import math
from collections.abc import Iterable
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .checks import (
    COLLECTIVE,
    INDIVIDUAL,
    Citation,
    Context,
    Finding,
    Rule,
    Status,
    failed,
    law,
    passed,
    unknown,
)
from .data import AwardCode, Initiatives, Scope, TaskRating, award_label
from .history import best_run, run_ends
from .parameters import percent_text

ND98_ND152 = "Nghị định 98/2023/NĐ-CP; Nghị định 152/2025/NĐ-CP"
MOHA_5007 = "Công văn 5007/BNV-TĐKT ngày 05/9/2023 của Bộ Nội vụ"


def _years(years: Iterable[int]) -> str:
    listed = sorted(years)
    if not listed:
        return "—"
    if len(listed) > 2 and listed[-1] - listed[0] == len(listed) - 1:
        return f"{listed[0]}–{listed[-1]}"
    return ", ".join(str(y) for y in listed)


# --- generic rules -------------------------------------------------------------------------------------------


def _recipient_kind(ctx: Context) -> Finding:
    kinds = ctx.recipients[ctx.award_code]
    params = {"title": award_label(ctx.award_code), "kind": ctx.candidate.kind.label}
    evidence = {"kind": ctx.candidate.kind, "allowed": sorted(kinds)}
    if ctx.candidate.kind in kinds:
        return passed(_("%(title)s can be given to a recipient of this kind (%(kind)s).") % params, evidence)
    return failed(_("%(title)s cannot be given to a recipient of this kind (%(kind)s).") % params, evidence)


def _disciplinary_hold(ctx: Context) -> Finding:
    hold = ctx.facts.disciplinary_hold
    if hold is None:
        return unknown(
            _("Whether a disciplinary review, investigation or inspection is under way is not known."),
            {"disciplinary_hold": None},
        )
    if hold:
        return failed(
            _("A disciplinary review, investigation or inspection is under way: no proposal until it ends."),
            {"disciplinary_hold": True},
        )
    return passed(_("No disciplinary review, investigation or inspection is under way."), {"disciplinary_hold": False})


def _same_achievement_codes(ctx: Context) -> list[str]:
    codes = {ctx.award_code}
    for group in ctx.params.same_achievement_groups:
        if ctx.award_code in group:
            codes |= group
    return sorted(codes)


def _one_achievement(ctx: Context) -> Finding:
    codes = _same_achievement_codes(ctx)
    records = tuple(r for code in codes for r in ctx.history.in_year(code, ctx.year))
    proposals = tuple(p for p in ctx.facts.proposals if p.award_code in codes and p.year == ctx.year)
    evidence = {"codes": codes, "year": ctx.year, "proposals": proposals}
    titles = ", ".join(award_label(code) for code in codes)
    params = {"titles": titles, "year": ctx.year}
    if records:
        awarded = ", ".join(award_label(code) for code in sorted({r.award_code for r in records}))
        return failed(
            _("The achievement of %(year)s has already earned %(awarded)s: one achievement earns one award.")
            % {"year": ctx.year, "awarded": awarded},
            evidence,
            records,
        )
    if proposals:
        proposed = ", ".join(award_label(code) for code in sorted({p.award_code for p in proposals}))
        return failed(
            _("The achievement of %(year)s is already proposed for %(proposed)s: one achievement earns one award.")
            % {"year": ctx.year, "proposed": proposed},
            evidence,
        )
    return passed(_("No award or proposal of %(titles)s for %(year)s yet.") % params, evidence)


# --- shared predicates ---------------------------------------------------------------------------------------


def _rating(ctx: Context, minimum: TaskRating, field: str) -> Finding:
    rating = ctx.facts.task_rating
    needed = (
        minimum.label if minimum is TaskRating.EXCELLENT else _("%(minimum)s or better") % {"minimum": minimum.label}
    )
    params = {"needed": needed}
    evidence = {"task_rating": rating, field: minimum}
    if rating is None:
        return unknown(_("The task rating of the year is not known (needed: %(needed)s).") % params, evidence)
    params["rating"] = rating.label
    if rating.at_least(minimum):
        return passed(_("Task rating: %(rating)s (needed: %(needed)s).") % params, evidence)
    return failed(_("Task rating: %(rating)s; needed: %(needed)s.") % params, evidence)


def _share(ctx: Context, field: str, share: Fraction, *, strict: bool, parameter: str, what: str) -> Finding:
    """Whether `field` members out of `member_count` reach `share` (strictly more than it if `strict`)."""
    count, total = getattr(ctx.facts, field), ctx.facts.member_count
    evidence = {field: count, "member_count": total, parameter: share}
    params = {"what": what, "percent": percent_text(share)}
    needed = (
        _("more than %(percent)s %% of members %(what)s") % params
        if strict
        else _("at least %(percent)s %% of members %(what)s") % params
    )
    if count is None or total is None:
        return unknown(
            _("Not known how many members %(what)s (needed: %(needed)s).") % {**params, "needed": needed}, evidence
        )
    if total == 0:
        return failed(_("The collective has no members (needed: %(needed)s).") % {"needed": needed}, evidence)
    actual = Fraction(count, total)
    ok = actual > share if strict else actual >= share
    line = _("%(count)s of %(total)s members %(what)s (%(actual)s %%); needed: %(needed)s.") % {
        **params,
        "count": count,
        "total": total,
        "actual": percent_text(actual),
        "needed": needed,
    }
    return passed(line, evidence) if ok else failed(line, evidence)


def _run(ctx: Context, *, prerequisite: str, needed: int, max_gap: int, reset_code: str, parameter: str) -> Finding:
    """Whether the candidate holds `needed` consecutive `prerequisite` awards ending this year or the year before.

    The run used is in the evidence ("run"). Years up to the last earlier `reset_code` award are not
    counted again when `history_reset_after_award` is on.
    """
    p = ctx.params
    after = ctx.history.last_before(reset_code, ctx.year) if p.history_reset_after_award else None
    years = ctx.history.years(prerequisite, up_to=ctx.year)
    ends = run_ends(ctx.year, p.history_run_end)
    run = best_run(years, ends=ends, max_gap=max_gap, after=after)
    records = ctx.history.records_in(prerequisite, run.years)
    evidence = {
        "prerequisite": prerequisite,
        "run": run.years,
        parameter: needed,
        "history_run_end": p.history_run_end,
        "counted_after": after,
    }
    params = {
        "title": award_label(prerequisite),
        "count": run.length,
        "needed": needed,
        "years": _years(run.years),
        "ends": _years(ends),
    }
    reset_note = ""
    if after is not None:
        reset_note = " " + _("Years up to %(after)s already earned %(award)s and are not counted again.") % {
            "after": after,
            "award": award_label(reset_code),
        }
    if run.length >= needed:
        message = (
            ngettext(
                "%(count)s consecutive %(title)s award (%(years)s); %(needed)s needed.",
                "%(count)s consecutive %(title)s awards (%(years)s); %(needed)s needed.",
                run.length,
            )
            % params
        )
        return passed(message + reset_note, evidence, records)
    pending = [pr for pr in ctx.facts.proposals if pr.award_code == prerequisite and pr.year == ctx.year]
    if pending and ctx.year in ends and ctx.year not in years:
        hoped = best_run(years | {ctx.year}, ends=(ctx.year,), max_gap=max_gap, after=after)
        if hoped.length >= needed:
            message = _(
                "%(title)s for %(year)s is proposed but not yet decided; with it the run would be %(hoped)s "
                "(%(needed)s needed)."
            ) % {**params, "year": ctx.year, "hoped": _years(hoped.years)}
            return unknown(message + reset_note, {**evidence, "pending": tuple(pending)}, records)
    if run.length == 0:
        message = (
            ngettext(
                "No %(title)s award in a run ending in %(ends)s; %(needed)s consecutive award needed.",
                "No %(title)s award in a run ending in %(ends)s; %(needed)s consecutive awards needed.",
                needed,
            )
            % params
        )
    else:
        message = (
            ngettext(
                "Only %(count)s consecutive %(title)s award (%(years)s); %(needed)s needed.",
                "Only %(count)s consecutive %(title)s awards (%(years)s); %(needed)s needed.",
                run.length,
            )
            % params
        )
    return failed(message + reset_note, evidence, records)


def _initiatives_since(ctx: Context, first_year: int) -> tuple[Initiatives, bool]:
    """Initiatives recognised from `first_year` to the year evaluated, and whether this year's are known."""
    total = ctx.facts.initiatives or Initiatives()
    for past in ctx.facts.earlier_years:
        if first_year <= past.year < ctx.year and past.initiatives is not None:
            total = total + past.initiatives
    return total, ctx.facts.initiatives is not None


def _initiative(ctx: Context, scope: Scope, first_year: int, parameter: str) -> Finding:
    total, known = _initiatives_since(ctx, first_year)
    count = total.at_least(scope)
    params = {"scope": scope.label, "count": count, "first": first_year, "year": ctx.year}
    evidence = {"initiatives": total, parameter: scope, "period": (first_year, ctx.year)}
    if count >= 1:
        return passed(
            ngettext(
                "%(count)s initiative recognised at %(scope)s scope or wider in %(first)s–%(year)s.",
                "%(count)s initiatives recognised at %(scope)s scope or wider in %(first)s–%(year)s.",
                count,
            )
            % params,
            evidence,
        )
    if not known:
        return unknown(
            _("The initiatives of %(year)s are not known (needed: one recognised at %(scope)s scope or wider).")
            % params,
            evidence,
        )
    return failed(_("No initiative recognised at %(scope)s scope or wider in %(first)s–%(year)s.") % params, evidence)


# --- individual titles ---------------------------------------------------------------------------------------


def _ldtt_rating(ctx: Context) -> Finding:
    return _rating(ctx, ctx.params.ldtt_min_rating, "ldtt_min_rating")


def _cstdcs_ldtt(ctx: Context) -> Finding:
    records = ctx.history.in_year(AwardCode.LDTT, ctx.year)
    if records:
        return passed(
            _("%(title)s awarded for %(year)s.") % {"title": award_label(AwardCode.LDTT), "year": ctx.year},
            {"ldtt": AwardCode.LDTT.value},
            records,
        )
    finding = _rating(ctx, ctx.params.ldtt_min_rating, "ldtt_min_rating")
    standard = _("The standard of %(title)s:") % {"title": award_label(AwardCode.LDTT)}
    return Finding(finding.status, f"{standard} {finding.message}", finding.evidence, finding.records)


def _cstdcs_excellence(ctx: Context) -> Finding:
    rating, initiatives = ctx.facts.task_rating, ctx.facts.initiatives
    excellent = None if rating is None else rating == TaskRating.EXCELLENT
    has_initiative = None if initiatives is None else initiatives.at_least(Scope.GRASSROOTS) >= 1
    mode = ctx.params.cstdcs_rule
    evidence = {"task_rating": rating, "initiatives": initiatives, "cstdcs_rule": mode}
    facts = _("task rating: %(rating)s; initiatives recognised: %(initiatives)s") % {
        "rating": rating.label if rating else _("not known"),
        "initiatives": _("not known") if initiatives is None else initiatives.at_least(Scope.GRASSROOTS),
    }
    if mode == "excellent_and_initiative":
        rule = _("needed: excellent completion and an initiative recognised at grassroots scope or wider")
        if excellent is False or has_initiative is False:
            status = Status.FAIL
        elif excellent and has_initiative:
            status = Status.PASS
        else:
            status = Status.UNKNOWN
    else:
        rule = _("needed: excellent completion or an initiative recognised at grassroots scope or wider")
        if excellent or has_initiative:
            status = Status.PASS
        elif excellent is False and has_initiative is False:
            status = Status.FAIL
        else:
            status = Status.UNKNOWN
    return Finding(status, f"{facts[:1].upper()}{facts[1:]} ({rule}).", evidence)


def _cstdcs_quota(ctx: Context) -> Finding:
    quota = ctx.params.cstdcs_quota
    if quota is None:
        return passed(_("No quota on %(title)s is in force.") % {"title": award_label(AwardCode.CSTD_CO_SO)})
    base, used = ctx.facts.unit_ldtt_count, ctx.facts.unit_cstdcs_proposals
    evidence = {"cstdcs_quota": quota, "unit_ldtt_count": base, "unit_cstdcs_proposals": used}
    if base is None or used is None:
        return unknown(
            _(
                "The quota (%(percent)s %% of the unit's Advanced labourers) cannot be checked: the counts are "
                "not known."
            )
            % {"percent": percent_text(quota)},
            evidence,
        )
    cap = math.floor(quota * base)
    params = {"percent": percent_text(quota), "base": base, "cap": cap, "used": used}
    line = _("Quota: %(percent)s %% of %(base)s Advanced labourers = %(cap)s; %(used)s already proposed.") % params
    return passed(line, {**evidence, "cap": cap}) if used + 1 <= cap else failed(line, {**evidence, "cap": cap})


def _cstd_tinh_run(ctx: Context) -> Finding:
    p = ctx.params
    finding = _run(
        ctx,
        prerequisite=AwardCode.CSTD_CO_SO,
        needed=p.cstd_tinh_consecutive,
        max_gap=1,
        reset_code=AwardCode.CSTD_TINH,
        parameter="cstd_tinh_consecutive",
    )
    return finding


def _cstd_tinh_initiative(ctx: Context) -> Finding:
    p = ctx.params
    first = ctx.year - p.cstd_tinh_consecutive + 1
    return _initiative(ctx, p.cstd_tinh_initiative_scope, first, "cstd_tinh_initiative_scope")


def _cstd_toan_quoc_run(ctx: Context) -> Finding:
    p = ctx.params
    finding = _run(
        ctx,
        prerequisite=AwardCode.CSTD_TINH,
        needed=p.cstd_toan_quoc_consecutive,
        max_gap=p.cstd_tinh_max_gap,
        reset_code=AwardCode.CSTD_TOAN_QUOC,
        parameter="cstd_toan_quoc_consecutive",
    )
    return Finding(
        finding.status, finding.message, {**finding.evidence, "cstd_tinh_max_gap": p.cstd_tinh_max_gap}, finding.records
    )


def _cstd_toan_quoc_initiative(ctx: Context) -> Finding:
    p = ctx.params
    first = ctx.year - p.cstd_toan_quoc_consecutive * p.cstd_tinh_max_gap + 1
    return _initiative(ctx, p.cstd_toan_quoc_initiative_scope, first, "cstd_toan_quoc_initiative_scope")


# --- collective titles ---------------------------------------------------------------------------------------


def _ttldtt_rating(ctx: Context) -> Finding:
    return _rating(ctx, ctx.params.ttldtt_min_rating, "ttldtt_min_rating")


def _ttldtt_ldtt_share(ctx: Context) -> Finding:
    return _share(
        ctx,
        "members_ldtt",
        ctx.params.ttldtt_ldtt_share,
        strict=True,
        parameter="ttldtt_ldtt_share",
        what=_("are Advanced labourers"),
    )


def _ttldtt_no_discipline(ctx: Context) -> Finding:
    count = ctx.facts.members_disciplined
    evidence = {"members_disciplined": count}
    if count is None:
        return unknown(_("Not known whether a member was disciplined (warning or above) this year."), evidence)
    if count == 0:
        return passed(_("No member was disciplined (warning or above) this year."), evidence)
    return failed(
        ngettext(
            "%(count)s member was disciplined (warning or above) this year.",
            "%(count)s members were disciplined (warning or above) this year.",
            count,
        )
        % {"count": count},
        evidence,
    )


def _ttldxs_rating(ctx: Context) -> Finding:
    return _rating(ctx, TaskRating.EXCELLENT, "needed_rating")


def _ttldxs_completing(ctx: Context) -> Finding:
    return _share(
        ctx,
        "members_completing",
        ctx.params.ttldxs_completing_share,
        strict=False,
        parameter="ttldxs_completing_share",
        what=_("completed their tasks"),
    )


def _ttldxs_ldtt_share(ctx: Context) -> Finding:
    return _share(
        ctx,
        "members_ldtt",
        ctx.params.ttldxs_ldtt_share,
        strict=False,
        parameter="ttldxs_ldtt_share",
        what=_("are Advanced labourers"),
    )


def _ttldxs_cstdcs(ctx: Context) -> Finding:
    count, needed = ctx.facts.members_cstdcs, ctx.params.ttldxs_cstdcs_min
    evidence = {"members_cstdcs": count, "ttldxs_cstdcs_min": needed}
    params = {"count": count, "needed": needed, "title": award_label(AwardCode.CSTD_CO_SO)}
    if count is None:
        return unknown(_("Not known how many members hold %(title)s (needed: %(needed)s).") % params, evidence)
    line = (
        ngettext(
            "%(count)s member holds %(title)s (needed: at least %(needed)s).",
            "%(count)s members hold %(title)s (needed: at least %(needed)s).",
            count,
        )
        % params
    )
    return passed(line, evidence) if count >= needed else failed(line, evidence)


def _led_block(ctx: Context) -> Finding:
    led = ctx.facts.led_block
    if led is None:
        return unknown(_("The block's conference result is not known."), {"led_block": None})
    if not led:
        return failed(_("Not voted the leading unit of its block by the conference."), {"led_block": False})
    if ctx.award_code == AwardCode.CO_TINH:
        return passed(
            _(
                "Voted the leading unit of its block by the conference. This is necessary, not sufficient: "
                "the provincial council still weighs the standards of the flag."
            ),
            {"led_block": True},
        )
    return passed(_("Voted the leading unit of its block by the conference."), {"led_block": True})


def _cap(share: Fraction, leaders: int, rounding: str) -> int:
    exact = share * leaders
    if rounding == "up":
        return math.ceil(exact)
    if rounding == "nearest":
        return math.floor(exact + Fraction(1, 2))
    return math.floor(exact)


def _government_flag_quota(ctx: Context) -> Finding:
    p = ctx.params
    leaders, counted = ctx.facts.block_leaders_in_province, ctx.facts.government_flag_proposals
    evidence = {
        "block_leaders_in_province": leaders,
        "government_flag_proposals": counted,
        "government_flag_share": p.government_flag_share,
        "government_flag_rounding": p.government_flag_rounding,
    }
    percent = percent_text(p.government_flag_share)
    if leaders is None or counted is None:
        return unknown(
            _(
                "The province's cap (%(percent)s %% of its block leaders) cannot be checked: the number of block "
                "leaders or of proposals already counted is not known."
            )
            % {"percent": percent},
            evidence,
        )
    cap = _cap(p.government_flag_share, leaders, p.government_flag_rounding)
    params = {"percent": percent, "leaders": leaders, "cap": cap, "counted": counted}
    line = (
        ngettext(
            "Cap: %(percent)s %% of %(leaders)s block leader = %(cap)s proposals; %(counted)s already counted.",
            "Cap: %(percent)s %% of %(leaders)s block leaders = %(cap)s proposals; %(counted)s already counted.",
            leaders,
        )
        % params
    )
    if counted + 1 <= cap:
        return passed(line, {**evidence, "cap": cap})
    return failed(line + " " + _("This proposal would exceed the cap."), {**evidence, "cap": cap})


# --- forms ---------------------------------------------------------------------------------------------------


def _excellent_run(ctx: Context, after: int | None) -> tuple[tuple[int, ...], bool]:
    """Consecutive years of excellent completion ending this year, and whether the year before them is unknown."""
    ratings = {past.year: past.task_rating for past in ctx.facts.earlier_years if past.year < ctx.year}
    ratings[ctx.year] = ctx.facts.task_rating
    run: list[int] = []
    year = ctx.year
    while (after is None or year > after) and ratings.get(year) == TaskRating.EXCELLENT:
        run.append(year)
        year -= 1
    stopped_on_unknown = (after is None or year > after) and ratings.get(year) is None
    return tuple(reversed(run)), stopped_on_unknown


def _bang_khen_excellent_way(ctx: Context, after: int | None) -> Finding:
    p = ctx.params
    need_years, need_initiatives = p.bang_khen_tinh_excellent_years, p.bang_khen_tinh_initiatives
    run, stopped_on_unknown = _excellent_run(ctx, after)
    initiatives = {past.year: past.initiatives for past in ctx.facts.earlier_years}
    initiatives[ctx.year] = ctx.facts.initiatives
    count = sum(i.at_least(Scope.GRASSROOTS) for y in run if (i := initiatives.get(y)) is not None)
    missing = any(initiatives.get(y) is None for y in run)
    evidence = {
        "excellent_years": run,
        "initiatives_in_run": count,
        "bang_khen_tinh_excellent_years": need_years,
        "bang_khen_tinh_initiatives": need_initiatives,
    }
    params = {
        "years": _years(run),
        "length": len(run),
        "count": count,
        "need_years": need_years,
        "need_initiatives": need_initiatives,
    }
    line = (
        ngettext(
            "%(length)s consecutive year of excellent completion (%(years)s), initiatives recognised in it: "
            "%(count)s; needed: %(need_years)s years with %(need_initiatives)s initiatives.",
            "%(length)s consecutive years of excellent completion (%(years)s), initiatives recognised in them: "
            "%(count)s; needed: %(need_years)s years with %(need_initiatives)s initiatives.",
            len(run),
        )
        % params
    )
    if len(run) >= need_years and count >= need_initiatives:
        return passed(line, evidence)
    if ctx.facts.task_rating is None or stopped_on_unknown or missing:
        return unknown(line + " " + _("Some ratings or initiatives of those years are not known."), evidence)
    return failed(line, evidence)


def _bang_khen_tinh_individual(ctx: Context) -> Finding:
    p = ctx.params
    after = ctx.history.last_before(AwardCode.BANG_KHEN_TINH, ctx.year) if p.history_reset_after_award else None
    first = _run(
        ctx,
        prerequisite=AwardCode.CSTD_CO_SO,
        needed=p.bang_khen_tinh_cstdcs_consecutive,
        max_gap=1,
        reset_code=AwardCode.BANG_KHEN_TINH,
        parameter="bang_khen_tinh_cstdcs_consecutive",
    )
    second = _bang_khen_excellent_way(ctx, after)
    statuses = {first.status, second.status}
    if Status.PASS in statuses:
        status = Status.PASS
    elif statuses == {Status.FAIL}:
        status = Status.FAIL
    else:
        status = Status.UNKNOWN
    message = _("Either way is enough. First: %(first)s Second: %(second)s") % {
        "first": first.message,
        "second": second.message,
    }
    return Finding(status, message, {**first.evidence, **second.evidence}, first.records)


def _criteria_not_encoded(ctx: Context) -> Finding:
    return unknown(
        _(
            "The criteria of %(title)s (%(kind)s) are not checked by the system (the current wording is not "
            "confirmed, or the province sets them): the officer checks them by hand."
        )
        % {"title": award_label(ctx.award_code), "kind": ctx.candidate.kind.label},
        {"award_code": ctx.award_code, "kind": ctx.candidate.kind},
    )


# --- the rules, as data --------------------------------------------------------------------------------------

_ALL = frozenset[str]()


def _codes(*codes: AwardCode) -> frozenset[str]:
    return frozenset(str(code) for code in codes)


RECIPIENT_KIND = Rule(
    "recipient_kind",
    _ALL,
    law("19", unconfirmed=True),
    gettext_lazy("Each title is for individuals or for collectives; forms of commendation can be for both."),
    _recipient_kind,
)
DISCIPLINARY_HOLD = Rule(
    "disciplinary_hold",
    _ALL,
    Citation(ND98_ND152, unconfirmed=True),
    gettext_lazy(
        "No award is proposed while a competent body is considering discipline, or investigating, inspecting "
        "or checking the unit or person."
    ),
    _disciplinary_hold,
)
ONE_ACHIEVEMENT = Rule(
    "one_achievement",
    _ALL,
    law("5", "2", "c"),
    gettext_lazy(
        "One achievement earns one award: the same recipient cannot be awarded or proposed twice for the same "
        "title and year. Revoked awards and thematic or ad-hoc awards do not count."
    ),
    _one_achievement,
)
LDTT_RATING = Rule(
    "ldtt.task_rating",
    _codes(AwardCode.LDTT),
    law("24", "1", "a"),
    gettext_lazy(
        "Advanced labourer needs tasks completed well or better; the spirit of self-reliance, solidarity and "
        "taking part in the movements is judged by the unit."
    ),
    _ldtt_rating,
    INDIVIDUAL,
)
CSTDCS_LDTT = Rule(
    "cstd_co_so.ldtt",
    _codes(AwardCode.CSTD_CO_SO),
    law("23", "1", "a"),
    gettext_lazy("Grassroots emulation fighter needs the standard of Advanced labourer in the same year."),
    _cstdcs_ldtt,
    INDIVIDUAL,
)
CSTDCS_EXCELLENCE = Rule(
    "cstd_co_so.excellence",
    _codes(AwardCode.CSTD_CO_SO),
    law("23", "1", "b"),
    gettext_lazy(
        "Grassroots emulation fighter also needs excellent completion of tasks or an initiative recognised by the "
        "unit (the draft amendment of the Law would require both)."
    ),
    _cstdcs_excellence,
    INDIVIDUAL,
)
CSTDCS_QUOTA = Rule(
    "cstd_co_so.quota",
    _codes(AwardCode.CSTD_CO_SO),
    Citation("Quy chế thi đua, khen thưởng của tỉnh", unconfirmed=True),
    gettext_lazy(
        "A province may cap Grassroots emulation fighters at a share of the unit's Advanced labourers "
        "(the old rule was 15 %%); by default no cap applies."
    ),
    _cstdcs_quota,
    INDIVIDUAL,
)
CSTD_TINH_RUN = Rule(
    "cstd_tinh.cstd_co_so_run",
    _codes(AwardCode.CSTD_TINH),
    law("22", "1", "a", unconfirmed=True),
    gettext_lazy(
        "Provincial emulation fighter is chosen among those with %(cstd_tinh_consecutive)s consecutive Grassroots "
        "emulation fighter awards (adjacent years, a gap breaks the run); years already used for an earlier "
        "Provincial emulation fighter do not count again."
    ),
    _cstd_tinh_run,
    INDIVIDUAL,
)
CSTD_TINH_INITIATIVE = Rule(
    "cstd_tinh.initiative",
    _codes(AwardCode.CSTD_TINH),
    law("22", "1", "b", unconfirmed=True),
    gettext_lazy(
        "Provincial emulation fighter also needs an initiative applied effectively and able to be replicated "
        "across the province, recognised in the qualifying years."
    ),
    _cstd_tinh_initiative,
    INDIVIDUAL,
)
CSTD_TOAN_QUOC_RUN = Rule(
    "cstd_toan_quoc.cstd_tinh_run",
    _codes(AwardCode.CSTD_TOAN_QUOC),
    law("21", unconfirmed=True),
    gettext_lazy(
        "National emulation fighter is chosen among those with %(cstd_toan_quoc_consecutive)s consecutive Provincial "
        "emulation fighter awards "
        "(no Grassroots year lost between them), proposed right after the last of them."
    ),
    _cstd_toan_quoc_run,
    INDIVIDUAL,
)
CSTD_TOAN_QUOC_INITIATIVE = Rule(
    "cstd_toan_quoc.initiative",
    _codes(AwardCode.CSTD_TOAN_QUOC),
    law("21", unconfirmed=True),
    gettext_lazy("National emulation fighter also needs an initiative with a nationwide effect."),
    _cstd_toan_quoc_initiative,
    INDIVIDUAL,
)
TTLDTT_RATING = Rule(
    "ttldtt.task_rating",
    _codes(AwardCode.TTLDTT),
    law("28", "1", "a", unconfirmed=True),
    gettext_lazy("Advanced labour collective needs its tasks and plans completed well or better."),
    _ttldtt_rating,
    COLLECTIVE,
)
TTLDTT_SHARE = Rule(
    "ttldtt.ldtt_share",
    _codes(AwardCode.TTLDTT),
    law("28", "1", "c", unconfirmed=True),
    gettext_lazy(
        "Advanced labour collective needs more than %(ttldtt_ldtt_share)s %% of its members to be Advanced labourers."
    ),
    _ttldtt_ldtt_share,
    COLLECTIVE,
)
TTLDTT_DISCIPLINE = Rule(
    "ttldtt.no_discipline",
    _codes(AwardCode.TTLDTT),
    law("28", "1", "c", unconfirmed=True),
    gettext_lazy("Advanced labour collective: no member disciplined with a warning or above during the year."),
    _ttldtt_no_discipline,
    COLLECTIVE,
)
TTLDXS_RATING = Rule(
    "ttldxs.task_rating",
    _codes(AwardCode.TTLDXS),
    law("27", "1", "a"),
    gettext_lazy("Excellent labour collective needs its tasks completed excellently."),
    _ttldxs_rating,
    COLLECTIVE,
)
TTLDXS_COMPLETING = Rule(
    "ttldxs.all_completing",
    _codes(AwardCode.TTLDXS),
    law("27", "1", "c"),
    gettext_lazy(
        "Excellent labour collective needs %(ttldxs_completing_share)s %% of its members to have completed their tasks."
    ),
    _ttldxs_completing,
    COLLECTIVE,
)
TTLDXS_SHARE = Rule(
    "ttldxs.ldtt_share",
    _codes(AwardCode.TTLDXS),
    law("27", "1", "c"),
    gettext_lazy(
        "Excellent labour collective needs at least %(ttldxs_ldtt_share)s %% of its members to be Advanced labourers."
    ),
    _ttldxs_ldtt_share,
    COLLECTIVE,
)
TTLDXS_CSTDCS = Rule(
    "ttldxs.cstd_co_so",
    _codes(AwardCode.TTLDXS),
    law("27", "1", "d"),
    gettext_lazy(
        "Excellent labour collective needs at least %(ttldxs_cstdcs_min)s member(s) who are Grassroots emulation "
        "fighters."
    ),
    _ttldxs_cstdcs,
    COLLECTIVE,
)
CO_TINH_LED_BLOCK = Rule(
    "co_tinh.led_block",
    _codes(AwardCode.CO_TINH),
    law("26", unconfirmed=True),
    gettext_lazy(
        "The provincial Emulation Flag goes to collectives leading their emulation block, voted by the block's "
        "conference. Leading the block is necessary, not sufficient: the provincial council weighs the standards."
    ),
    _led_block,
    COLLECTIVE,
)
CO_CHINH_PHU_LED_BLOCK = Rule(
    "co_chinh_phu.led_block",
    _codes(AwardCode.CO_CHINH_PHU),
    law("25"),
    gettext_lazy("The Government's Emulation Flag is chosen among the collectives leading the emulation blocks."),
    _led_block,
    COLLECTIVE,
)
CO_CHINH_PHU_QUOTA = Rule(
    "co_chinh_phu.quota",
    _codes(AwardCode.CO_CHINH_PHU),
    Citation(MOHA_5007, unconfirmed=True),
    gettext_lazy(
        "A province proposes Government Emulation Flags for at most %(government_flag_share)s %% of its block leaders, "
        "counting the "
        "proposals already made."
    ),
    _government_flag_quota,
    COLLECTIVE,
)
BANG_KHEN_TINH_INDIVIDUAL = Rule(
    "bang_khen_tinh.individual",
    _codes(AwardCode.BANG_KHEN_TINH),
    law("74", "1", "d"),
    gettext_lazy(
        "An individual provincial Certificate of Merit needs %(bang_khen_tinh_cstdcs_consecutive)s consecutive "
        "Grassroots emulation fighter awards, or %(bang_khen_tinh_excellent_years)s or more consecutive years of "
        "excellent completion with %(bang_khen_tinh_initiatives)s initiatives recognised in that time."
    ),
    _bang_khen_tinh_individual,
    INDIVIDUAL,
)
BANG_KHEN_TINH_COLLECTIVE = Rule(
    "bang_khen_tinh.collective",
    _codes(AwardCode.BANG_KHEN_TINH),
    law("74", "2", unconfirmed=True),
    gettext_lazy("The criteria of a provincial Certificate of Merit for a collective are checked by hand."),
    _criteria_not_encoded,
    COLLECTIVE,
)
BANG_KHEN_TTG_CRITERIA = Rule(
    "bang_khen_ttg.criteria",
    _codes(AwardCode.BANG_KHEN_TTG),
    law("71", unconfirmed=True),
    gettext_lazy("The criteria of the Prime Minister's Certificate of Merit are checked by hand."),
    _criteria_not_encoded,
)
GIAY_KHEN_CRITERIA = Rule(
    "giay_khen.criteria",
    _codes(AwardCode.GIAY_KHEN),
    law("75", "2"),
    gettext_lazy("The criteria of the Certificate of Commendation are set by the province and checked by hand."),
    _criteria_not_encoded,
)

LAW_2022_RULES: tuple[Rule, ...] = (
    RECIPIENT_KIND,
    DISCIPLINARY_HOLD,
    ONE_ACHIEVEMENT,
    LDTT_RATING,
    CSTDCS_LDTT,
    CSTDCS_EXCELLENCE,
    CSTDCS_QUOTA,
    CSTD_TINH_RUN,
    CSTD_TINH_INITIATIVE,
    CSTD_TOAN_QUOC_RUN,
    CSTD_TOAN_QUOC_INITIATIVE,
    TTLDTT_RATING,
    TTLDTT_SHARE,
    TTLDTT_DISCIPLINE,
    TTLDXS_RATING,
    TTLDXS_COMPLETING,
    TTLDXS_SHARE,
    TTLDXS_CSTDCS,
    CO_TINH_LED_BLOCK,
    CO_CHINH_PHU_LED_BLOCK,
    CO_CHINH_PHU_QUOTA,
    BANG_KHEN_TINH_INDIVIDUAL,
    BANG_KHEN_TINH_COLLECTIVE,
    BANG_KHEN_TTG_CRITERIA,
    GIAY_KHEN_CRITERIA,
)
