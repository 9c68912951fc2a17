"""CappedPaginator counts no further than its cap and says when it stopped there."""

from typing import Any

import pytest

from thidua.core.web import CappedPaginator
from thidua.organizations.models import Unit

pytestmark = pytest.mark.django_db


def test_counts_exactly_below_the_cap(tree: dict[str, Any]) -> None:
    units = Unit.objects.order_by("id")
    paginator = CappedPaginator(units, 2, count_cap=100)
    assert paginator.count == units.count()
    assert not paginator.capped
    assert paginator.num_pages == (units.count() + 1) // 2


def test_stops_at_the_cap(tree: dict[str, Any]) -> None:
    units = Unit.objects.order_by("id")
    assert units.count() > 3
    paginator = CappedPaginator(units, 2, count_cap=3)
    assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2
    assert [u.pk for u in paginator.page(1)] == list(units.values_list("pk", flat=True)[:2])


def test_pages_follow_the_queryset_order_up_to_the_cap(tree: dict[str, Any]) -> None:
    units = Unit.objects.order_by("-name", "id")
    expected = list(units.values_list("pk", flat=True))
    paginator = CappedPaginator(units, 2, count_cap=5)
    seen = [u.pk for number in paginator.page_range for u in paginator.page(number)]
    assert seen == expected[:5]
    assert paginator.page(3).has_next() is False
