"""The public portal's reads: only decisions that are ISSUED and PUBLISHED, and the awards they gave.

Everything here is shown to anonymous visitors, so every query starts from `public_decisions_base()` /
`public_awards_base()` and never reaches a draft, an unpublished decision, imported history or hand-entered rows.
What a page may show of them (no prize money, no person ids) is the views' and templates' job; the querysets keep
the joins a page needs so a page costs a fixed number of queries.

Search ignores tone marks: recipients through the registry's search (`selectors_registry.award_search`, FTS5 /
trigram), and the decisions' own texts (number, title, issuing body, signer) by folding them in Python over a
bounded window of the newest decisions (a province issues hundreds a year, not millions).
"""

from django.db.models import Count, Q, QuerySet

from thidua.awards import selectors_registry as registry
from thidua.awards.models import Award, AwardType, Decision, DecisionStatus
from thidua.core.vi_text import search_key, search_tokens

SEARCH_WINDOW = 5000  # newest public decisions whose texts are folded for a search


def public_decisions_base() -> QuerySet[Decision]:
    """Issued and published decisions, newest first."""
    return Decision.objects.filter(status=DecisionStatus.ISSUED, published=True).order_by("-signed_on", "-id")


def public_awards_base() -> QuerySet[Award]:
    """Awards given by issued, published decisions."""
    return registry.awards_joined().filter(decision__status=DecisionStatus.ISSUED, decision__published=True)


def _decision_text_matches(tokens: list[str]) -> list[int]:
    """Public decisions whose number, title, issuing body or signer hold a word starting with each token."""
    rows = public_decisions_base().values_list("pk", "number", "title", "issuing_body", "signer_name")[:SEARCH_WINDOW]
    out = []
    for pk, *texts in rows:
        words = search_tokens(search_key(*texts))
        if all(any(word.startswith(token) for word in words) for token in tokens):
            out.append(pk)
    return out


def public_decisions(*, query: str | None = None, year: int | None = None) -> QuerySet[Decision]:
    """Published decisions matching `query` (number, title, issuing body, signer or a recipient's name, without
    tone marks), signed in `year` when given; each with `award_count` (its non-revoked awards)."""
    qs = public_decisions_base().annotate(award_count=Count("awards", filter=Q(awards__revoked_on__isnull=True)))
    if year is not None:
        qs = qs.filter(signed_on__year=year)
    tokens = search_tokens(query)
    if tokens:
        by_recipient = registry.award_search(query=query).filter(decision__isnull=False).values("decision_id")
        qs = qs.filter(Q(pk__in=_decision_text_matches(tokens)) | Q(pk__in=by_recipient))
    return qs


def latest_decisions(limit: int = 5) -> list[Decision]:
    return list(public_decisions()[:limit])


def public_decision(pk: int) -> Decision | None:
    """One published decision, or None (drafts and unpublished decisions do not exist for the public)."""
    return public_decisions_base().filter(pk=pk).first()


def decision_awards(decision: Decision) -> QuerySet[Award]:
    """The awards a published decision gave, in the decision's order (award type, then name)."""
    return public_awards_base().filter(decision=decision).order_by("award_type__position", "recipient_name", "id")


def honoured(*, query: str | None = None, year: int | None = None, award_type: str | None = None) -> QuerySet[Award]:
    """Honoured units and people: non-revoked awards of published decisions, searchable without tone marks (name,
    unit, title, year, decision number) and filtered by achievement year and award type code."""
    qs = registry.award_search(query=query, award_type=award_type, year=year, include_revoked=False)
    return qs.filter(decision__status=DecisionStatus.ISSUED, decision__published=True)


def honoured_years() -> list[int]:
    """Achievement years that have public awards, newest first (for the filter)."""
    years = public_awards_base().order_by("-year").values_list("year", flat=True).distinct()
    return list(years)


def decision_years() -> list[int]:
    """Years in which public decisions were signed, newest first."""
    dates = public_decisions_base().dates("signed_on", "year", order="DESC")
    return [day.year for day in dates]


def public_award_types() -> QuerySet[AwardType]:
    """Award types that appear on the portal (for the filter)."""
    ids = public_awards_base().values("award_type_id")
    return AwardType.objects.filter(pk__in=ids).order_by("position", "code")
