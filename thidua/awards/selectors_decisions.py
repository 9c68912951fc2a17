"""Reads of decisions: which decisions a user may see, the recipients of one with their prize money, its totals per
title or form and kind of recipient, the totals per fund and year, and the accepted proposals it may take.

An issued decision is public to every signed-in user; a draft only to admins and the officers over the office that
prepares it (mirrors awards.view_decision). An issued decision's figures come from its awards and are added up in
SQL; a draft's are quotes (`selectors.prize_for` on the draft's date, or today when it has none), one per proposal,
and a proposal whose prize cannot be computed (no base salary on that date…) shows its error on its line.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from thidua.accounts.predicates import officer_unit_paths, user_is_admin
from thidua.awards.models import (
    Award,
    AwardType,
    Decision,
    DecisionStatus,
    Fund,
    Proposal,
    ProposalStatus,
    Recipient,
)
from thidua.awards.models.registry import dong
from thidua.awards.selectors import prize_for
from thidua.awards.selectors_proposals import proposals_visible_to
from thidua.core.exceptions import DomainError


def decisions_visible_to(user: Any) -> QuerySet[Decision]:
    """Issued decisions for every signed-in user; drafts for admins and officers over their owner."""
    qs = Decision.objects.select_related("owner", "issued_by")
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user_is_admin(user):
        return qs
    visible = Q(status=DecisionStatus.ISSUED)
    for path in officer_unit_paths(user):
        visible |= Q(owner__path__startswith=path)
    return qs.filter(visible)


def decision_list(
    *, user: Any, status: str | None = None, year: int | None = None, decider: str | None = None
) -> QuerySet[Decision]:
    """Visible decisions, drafts first then the newest, with their number of proposals (draft) or awards and
    prize money (issued), each one subquery; `year` is the decision date's year."""
    awards = Award.objects.filter(decision=OuterRef("pk")).order_by().values("decision")
    proposals = Proposal.objects.filter(decision=OuterRef("pk")).order_by().values("decision")
    qs = decisions_visible_to(user).annotate(
        award_count=Coalesce(Subquery(awards.annotate(n=Count("id")).values("n")), 0),
        award_amount=Coalesce(Subquery(awards.annotate(total=Sum("amount")).values("total")), 0),
        proposal_count=Coalesce(Subquery(proposals.annotate(n=Count("id")).values("n")), 0),
    )
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(signed_on__year=year)
    if decider:
        qs = qs.filter(decider=decider)
    return qs.order_by("status", "-signed_on", "-id")


def decision_detail(pk: int) -> Decision:
    """One decision with its owner and issuer (Decision.DoesNotExist when missing)."""
    return Decision.objects.select_related("owner", "issued_by").get(pk=pk)


def accepted_proposals_for(decision: Decision, *, user: Any) -> QuerySet[Proposal]:
    """The proposals a draft decision may take: accepted, in no decision, decided by its authority, visible."""
    return (
        proposals_visible_to(user)
        .filter(status=ProposalStatus.ACCEPTED, decision__isnull=True, award_type__decided_by=decision.decider)
        .order_by("award_type__position", "year", "recipient_name", "id")
    )


@dataclass(frozen=True)
class RecipientLine:
    """One recipient of a decision: its award once issued, else its proposal with a quoted amount or an error."""

    award_type: AwardType
    recipient_kind: str
    recipient_name: str
    unit_name: str
    year: int
    amount: int | None
    proposal: Proposal | None = None
    award: Award | None = None
    error_code: str = ""
    error_message: str = ""

    @property
    def revoked(self) -> bool:
        return self.award is not None and self.award.revoked

    @property
    def amount_text(self) -> str:
        return dong(self.amount)

    @property
    def recipient_kind_label(self) -> str:
        return str(Recipient(self.recipient_kind).label)


def quote_date(decision: Decision) -> dt.date:
    """The date a draft's amounts are quoted on: its date, or today."""
    return decision.signed_on or timezone.localdate()


def decision_recipients(decision: Decision) -> list[RecipientLine]:
    """The recipients with their amounts: the awards of an issued decision, the quoted proposals of a draft."""
    if decision.status == DecisionStatus.ISSUED:
        awards = (
            Award.objects.filter(decision=decision)
            .select_related("award_type", "unit", "person", "proposal")
            .order_by("award_type__position", "recipient_kind", "recipient_name", "id")
        )
        return [
            RecipientLine(
                award_type=award.award_type,
                recipient_kind=award.recipient_kind,
                recipient_name=award.recipient_name,
                unit_name=award.unit_name,
                year=award.year,
                amount=award.amount,
                proposal=award.proposal,
                award=award,
            )
            for award in awards
        ]
    day = quote_date(decision)
    lines = []
    proposals = (
        Proposal.objects.filter(decision=decision)
        .select_related("award_type", "unit", "person")
        .order_by("award_type__position", "recipient_kind", "recipient_name", "id")
    )
    quotes: dict[tuple[int, str], int | DomainError] = {}
    for proposal in proposals:
        key = (proposal.award_type.pk, proposal.recipient_kind)
        if key not in quotes:
            try:
                quotes[key] = prize_for(proposal.award_type, proposal.recipient_kind, day).amount
            except DomainError as exc:
                quotes[key] = exc
        quote = quotes[key]
        lines.append(
            RecipientLine(
                award_type=proposal.award_type,
                recipient_kind=proposal.recipient_kind,
                recipient_name=proposal.recipient_name,
                unit_name=proposal.unit.name,
                year=proposal.year,
                amount=quote if isinstance(quote, int) else None,
                proposal=proposal,
                error_code="" if isinstance(quote, int) else quote.code,
                error_message="" if isinstance(quote, int) else str(quote.message),
            )
        )
    return lines


@dataclass(frozen=True)
class TotalLine:
    """The count and prize money of one title or form for one kind of recipient."""

    award_code: str
    award_name: str
    recipient_kind: str
    count: int
    amount: int

    @property
    def recipient_kind_label(self) -> str:
        return str(Recipient(self.recipient_kind).label)

    @property
    def amount_text(self) -> str:
        return dong(self.amount)


@dataclass(frozen=True)
class DecisionTotals:
    """A decision's totals: per title or form × kind of recipient, the grand total, and the revoked awards."""

    lines: list[TotalLine] = field(default_factory=list)
    count: int = 0
    amount: int = 0
    revoked_count: int = 0
    revoked_amount: int = 0
    recovery_amount: int = 0
    unquoted: int = 0

    @property
    def net_amount(self) -> int:
        """The money that stays paid: the total less what is to be recovered."""
        return self.amount - self.recovery_amount

    @property
    def amount_text(self) -> str:
        return dong(self.amount)

    @property
    def revoked_amount_text(self) -> str:
        return dong(self.revoked_amount)

    @property
    def recovery_text(self) -> str:
        return dong(self.recovery_amount)

    @property
    def net_text(self) -> str:
        return dong(self.net_amount)


def decision_totals(decision: Decision) -> DecisionTotals:
    """Totals of an issued decision from its awards (aggregated in SQL), or of a draft from its quotes (lines whose
    quote failed are counted in `unquoted`, not in the amount)."""
    if decision.status == DecisionStatus.ISSUED:
        awards = Award.objects.filter(decision=decision)
        rows = (
            awards.values("award_type__code", "award_type__name", "award_type__position", "recipient_kind")
            .annotate(n=Count("id"), total=Sum("amount"))
            .order_by("award_type__position", "recipient_kind")
        )
        grand = awards.aggregate(
            n=Count("id"),
            total=Sum("amount"),
            revoked_n=Count("id", filter=Q(revoked_on__isnull=False)),
            revoked_total=Sum("amount", filter=Q(revoked_on__isnull=False)),
            recovery_total=Sum("recovery_amount"),
        )
        return DecisionTotals(
            lines=[
                TotalLine(
                    award_code=row["award_type__code"],
                    award_name=row["award_type__name"],
                    recipient_kind=row["recipient_kind"],
                    count=row["n"],
                    amount=int(row["total"] or 0),
                )
                for row in rows
            ],
            count=grand["n"],
            amount=int(grand["total"] or 0),
            revoked_count=grand["revoked_n"],
            revoked_amount=int(grand["revoked_total"] or 0),
            recovery_amount=int(grand["recovery_total"] or 0),
        )
    grouped: dict[tuple[str, str], list[Any]] = {}
    unquoted = 0
    for line in decision_recipients(decision):
        entry = grouped.setdefault((line.award_type.code, line.recipient_kind), [line.award_type.name, 0, 0])
        entry[1] += 1
        if line.amount is None:
            unquoted += 1
        else:
            entry[2] += line.amount
    lines = [
        TotalLine(award_code=code, award_name=name, recipient_kind=kind, count=count, amount=amount)
        for (code, kind), (name, count, amount) in grouped.items()
    ]
    return DecisionTotals(
        lines=lines,
        count=sum(line.count for line in lines),
        amount=sum(line.amount for line in lines),
        unquoted=unquoted,
    )


@dataclass(frozen=True)
class FundYear:
    """The awards of issued decisions paid from one fund in one year (of the decision date)."""

    fund: str
    year: int
    count: int
    amount: int
    revoked_count: int
    recovery_amount: int

    @property
    def fund_label(self) -> str:
        return str(Fund(self.fund).label) if self.fund in Fund.values else self.fund

    @property
    def net_amount(self) -> int:
        return self.amount - self.recovery_amount

    @property
    def amount_text(self) -> str:
        return dong(self.amount)

    @property
    def recovery_text(self) -> str:
        return dong(self.recovery_amount)

    @property
    def net_text(self) -> str:
        return dong(self.net_amount)


def fund_totals(*, user: Any, year: int | None = None) -> list[FundYear]:
    """Per fund and year (of the decision date): awards, prize money paid and money to recover, for the issued
    decisions `user` may see; one SQL query."""
    qs = Award.objects.filter(
        decision__in=decisions_visible_to(user).filter(status=DecisionStatus.ISSUED).values("pk")
    ).exclude(fund="")
    qs = qs.annotate(decision_year=ExtractYear("decision_date"))
    if year is not None:
        qs = qs.filter(decision_year=year)
    rows = (
        qs.values("fund", "decision_year")
        .annotate(
            n=Count("id"),
            total=Sum("amount"),
            revoked_n=Count("id", filter=Q(revoked_on__isnull=False)),
            recovery_total=Sum("recovery_amount"),
        )
        .order_by("-decision_year", "fund")
    )
    return [
        FundYear(
            fund=row["fund"],
            year=row["decision_year"],
            count=row["n"],
            amount=int(row["total"] or 0),
            revoked_count=row["revoked_n"],
            recovery_amount=int(row["recovery_total"] or 0),
        )
        for row in rows
    ]


def decision_years(user: Any) -> list[int]:
    """The years of the visible issued decisions, newest first (the year filters' choices)."""
    years = (
        decisions_visible_to(user)
        .filter(signed_on__isnull=False)
        .annotate(y=ExtractYear("signed_on"))
        .values_list("y", flat=True)
        .distinct()
        .order_by("-y")
    )
    return list(years)
