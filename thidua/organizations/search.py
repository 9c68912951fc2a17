"""Accent-insensitive search over units, people and blocks on SQLite (FTS5) and PostgreSQL (pg_trgm).

Rows keep a `search_key` folded by core.vi_text.vi_fold. On SQLite an FTS5 index (kept in step
by triggers, see migrations) answers prefix queries per word; on PostgreSQL a trigram GIN index
serves `ILIKE '%word%'` and ranks by similarity. Queries are folded the same way, so
"DONG HA" finds "Đông Hà" on both.
"""

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from thidua.core.vi_text import search_tokens, vi_fold

FTS_TABLES = {
    "organizations_unit": "organizations_unit_fts",
    "organizations_person": "organizations_person_fts",
    "organizations_block": "organizations_block_fts",
}


def search[M: models.Model](queryset: QuerySet[M], query: str | None) -> QuerySet[M]:
    """Filter `queryset` to rows whose search_key contains every word of `query` (as a prefix on SQLite)."""
    tokens = search_tokens(query)
    if not tokens:
        return queryset
    table = queryset.model._meta.db_table
    if connection.vendor == "postgresql":
        for token in tokens:
            queryset = queryset.filter(search_key__contains=token)
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
        ranked = queryset.annotate(_rank=TrigramWordSimilarity(vi_fold(query), "search_key"))
        return ranked.order_by("-_rank", *ordering)  # type: ignore[return-value]
    if connection.vendor == "sqlite" and table in FTS_TABLES:
        fts = FTS_TABLES[table]
        match = " ".join(f'"{token}"*' for token in tokens)
        # The MATCH string is a bound parameter and the tokens are \w+ only; the table name is ours.
        ids = RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [match])  # noqa: S608, S611
        return queryset.filter(pk__in=ids)
    for token in tokens:
        queryset = queryset.filter(search_key__contains=token)
    return queryset
