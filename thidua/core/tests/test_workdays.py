"""Properties and worked examples of the pure working-day arithmetic (no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date
NONE: frozenset[dt.date] = frozenset()

# Vietnam 2025–2026 as announced (see migration 0002): enough for the worked examples.
HOLIDAYS = frozenset(
    [D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2), D(2026, 1, 1), D(2026, 1, 2)]
    + [D(2026, 2, d) for d in range(16, 21)]
    + [D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1)]
)
WORKING_WEEKENDS = frozenset([D(2025, 4, 26), D(2026, 1, 10)])

dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31))
day_sets = st.frozensets(st.dates(min_value=D(2024, 1, 1), max_value=D(2029, 12, 31)), max_size=40)
counts = st.integers(min_value=0, max_value=60)


def add(start: dt.date, days: int, holidays=HOLIDAYS, weekends=WORKING_WEEKENDS) -> dt.date:
    return add_working_days(start, days, holidays=holidays, working_weekends=weekends)


def between(start: dt.date, end: dt.date, holidays=HOLIDAYS, weekends=WORKING_WEEKENDS) -> int:
    return working_days_between(start, end, holidays=holidays, working_weekends=weekends)


# --- worked examples ---------------------------------------------------------------------------------------------


def test_plain_week():
    assert is_working_day(D(2025, 3, 3), holidays=NONE, working_weekends=NONE)  # Monday
    assert not is_working_day(D(2025, 3, 8), holidays=NONE, working_weekends=NONE)  # Saturday
    assert add(D(2025, 3, 7), 1, NONE, NONE) == D(2025, 3, 10)  # Friday + 1 = Monday
    assert add(D(2025, 3, 7), 5, NONE, NONE) == D(2025, 3, 14)
    assert add(D(2025, 3, 8), 1, NONE, NONE) == D(2025, 3, 10)  # from a Saturday


def test_zero_days_is_start_or_next_working_day():
    assert add(D(2025, 3, 5), 0, NONE, NONE) == D(2025, 3, 5)
    assert add(D(2025, 3, 8), 0, NONE, NONE) == D(2025, 3, 10)
    assert add(D(2026, 2, 14), 0) == D(2026, 2, 23)  # Tết 2026: first working day after the break


def test_negative_days_refused():
    with pytest.raises(ValueError, match="negative"):
        add(D(2025, 3, 5), -1)


def test_over_tet_2026():
    # Friday 13/2/2026 + 1 → Monday 23/2 (off Sat 14 – Sun 22: weekend + 5 Tết days + weekend).
    assert add(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert add(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_over_30_april_2025_with_make_up_saturday():
    # Friday 25/4 + 1 → Saturday 26/4 (make-up working day); + 2 → Monday 5/5 (off 30/4 – 4/5, Mon 28, Tue 29 work).
    assert add(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add(D(2025, 4, 25), 2) == D(2025, 4, 28)
    assert add(D(2025, 4, 25), 4) == D(2025, 5, 5)
    assert is_working_day(D(2025, 4, 26), holidays=HOLIDAYS, working_weekends=WORKING_WEEKENDS)
    assert not is_working_day(D(2025, 5, 2), holidays=HOLIDAYS, working_weekends=WORKING_WEEKENDS)


def test_new_year_2026_swap():
    assert add(D(2025, 12, 31), 1) == D(2026, 1, 5)  # off Thu 1 – Sun 4
    assert add(D(2026, 1, 9), 1) == D(2026, 1, 10)  # Saturday 10/1 is worked


def test_between_examples():
    assert between(D(2025, 3, 7), D(2025, 3, 10), NONE, NONE) == 1
    assert between(D(2025, 3, 10), D(2025, 3, 7), NONE, NONE) == -1
    assert between(D(2025, 3, 7), D(2025, 3, 7), NONE, NONE) == 0
    assert between(D(2025, 3, 8), D(2025, 3, 9), NONE, NONE) == 0


# --- properties ----------------------------------------------------------------------------------------------------


@given(start=dates, days=st.integers(min_value=1, max_value=60), holidays=day_sets, weekends=day_sets)
def test_result_is_a_working_day_after_start(start, days, holidays, weekends):
    due = add(start, days, holidays, weekends)
    assert due > start
    assert is_working_day(due, holidays=holidays, working_weekends=weekends)


@given(start=dates, holidays=day_sets, weekends=day_sets)
def test_zero_result_is_a_working_day(start, holidays, weekends):
    due = add(start, 0, holidays, weekends)
    assert due >= start
    assert is_working_day(due, holidays=holidays, working_weekends=weekends)


@given(start=dates, a=counts, b=counts, holidays=day_sets, weekends=day_sets)
def test_monotonic_in_days(start, a, b, holidays, weekends):
    low, high = sorted((a, b))
    assert add(start, low, holidays, weekends) <= add(start, high, holidays, weekends)
    if low < high:
        assert add(start, low, holidays, weekends) < add(start, high, holidays, weekends)


@given(start=dates, days=counts, holidays=day_sets, weekends=day_sets)
def test_between_inverts_add(start, days, holidays, weekends):
    due = add(start, days, holidays, weekends)
    if days > 0:
        assert between(start, due, holidays, weekends) == days
    else:
        # days=0 may move to the next working day; nothing in (start, due) is a working day
        assert between(start, due, holidays, weekends) == (0 if due == start else 1)


@given(start=dates, end=dates, holidays=day_sets, weekends=day_sets)
def test_between_is_antisymmetric(start, end, holidays, weekends):
    assert between(start, end, holidays, weekends) == -between(end, start, holidays, weekends)


@given(start=dates, days=counts, holidays=day_sets, weekends=day_sets, extra=dates)
def test_adding_a_holiday_never_moves_the_due_date_earlier(start, days, holidays, weekends, extra):
    before = add(start, days, holidays, weekends)
    after = add(start, days, holidays | {extra}, weekends)
    assert after >= before


@given(start=dates, days=counts, holidays=day_sets, weekends=day_sets, extra=dates)
def test_adding_a_working_weekend_never_moves_the_due_date_later(start, days, holidays, weekends, extra):
    before = add(start, days, holidays, weekends)
    after = add(start, days, holidays, weekends | {extra})
    assert after <= before
