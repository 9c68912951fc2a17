"""The secret ballot is kept by the schema: this test fails if any path could join a ballot to its voter.

It reads the models (Django's `_meta`) and the real database (`connection.introspection`), so a field added
to a model, or a column or foreign key added by a hand-written migration, is caught either way:
- a ballot relates to its poll and to nothing else, and nothing relates to a ballot;
- neither a ballot nor a voter-roll row has a date or time column (no "who voted at 10:02, which ballot
  was written at 10:02");
- a ballot's id is random (a UUID), not a sequence that would follow the order of the roll;
- the voter roll keeps nothing derived from the receipt: after a real cast, no value of the roll row
  equals the receipt, its hash, the ballot's id or content.
"""

import uuid
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from thidua.conferences import rules
from thidua.conferences.models import Ballot, Poll, PollKind, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)
TIME_TYPES = {"DateField", "DateTimeField", "TimeField", "DurationField"}
# weight: the delegate's own weight when voting (already on the roll of delegates; says nothing of the choice)
VOTER_ROLL_FIELDS = {"id", "poll", "delegate", "channel", "key_hash", "weight"}


def _concrete_relations(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.get_fields() if f.is_relation and f.concrete]


# --- the models --------------------------------------------------------------------------------------------------


def test_a_ballot_relates_to_its_poll_only() -> None:
    relations = _concrete_relations(Ballot)
    assert [(f.name, f.related_model) for f in relations] == [("poll", Poll)]
    many_to_many = [f for f in Ballot._meta.get_fields() if f.many_to_many]
    assert many_to_many == []


def test_no_model_relates_to_a_ballot() -> None:
    offenders = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models(include_auto_created=True)
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model is Ballot
    ]
    assert offenders == []
    # Seen from the ballot: no reverse accessor either (no model points at it, not even through a generic key).
    reverse = [f.name for f in Ballot._meta.get_fields() if f.auto_created and not f.concrete]
    assert reverse == []


def test_ballot_and_roll_have_no_date_or_time_field() -> None:
    for model in (Ballot, VoterRoll):
        dated = [f.name for f in model._meta.concrete_fields if isinstance(f, TIME_FIELDS)]
        assert dated == [], f"{model.__name__} has date/time fields {dated}"


def test_a_ballot_id_is_random() -> None:
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert Ballot._meta.pk.default is uuid.uuid4


def test_the_roll_holds_only_who_voted_where_and_the_key_hash() -> None:
    names = {f.name for f in VoterRoll._meta.concrete_fields}
    assert names == VOTER_ROLL_FIELDS, f"new VoterRoll fields must be reviewed for secrecy: {names - VOTER_ROLL_FIELDS}"
    assert not any("receipt" in name or "ballot" in name for name in names)


# --- the database as it really is ---------------------------------------------------------------------------------


def test_in_the_database_a_ballot_references_only_its_poll() -> None:
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, Ballot._meta.db_table)
    assert {column: target[1] for column, target in relations.items()} == {"poll_id": Poll._meta.db_table}


def test_in_the_database_no_table_references_the_ballots() -> None:
    ballot_table = Ballot._meta.db_table
    offenders = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column, target in connection.introspection.get_relations(cursor, table).items():
                if target[1] == ballot_table:
                    offenders.append(f"{table}.{column}")
            for name, constraint in connection.introspection.get_constraints(cursor, table).items():
                foreign = constraint.get("foreign_key")
                if foreign and foreign[0] == ballot_table:
                    offenders.append(f"{table}.{name}")
    assert offenders == []


@pytest.mark.parametrize("model", [Ballot, VoterRoll])
def test_in_the_database_ballot_and_roll_have_no_date_or_time_column(model: type[models.Model]) -> None:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    columns = {row.name: connection.introspection.get_field_type(row.type_code, row) for row in description}
    dated = {name: kind for name, kind in columns.items() if kind in TIME_TYPES}
    assert dated == {}
    if model is VoterRoll:
        assert set(columns) == {"id", "poll_id", "delegate_id", "channel", "key_hash", "weight"}


# --- a real cast -------------------------------------------------------------------------------------------------


def test_after_a_cast_the_roll_row_holds_nothing_of_the_receipt_or_the_ballot(world: dict[str, Any]) -> None:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[k]) for k in ("centre_a", "centre_b")],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    poll = poll_services.poll_open(actor=world["secretary"], poll=poll)
    key = str(uuid.uuid4())
    receipt = poll_services.poll_cast(
        actor=None,
        poll=poll,
        delegate=world["delegates"]["centre_b"],
        content={"choices": [poll.candidates.first().pk]},  # type: ignore[union-attr]
        idempotency_key=key,
    ).receipt
    ballot = Ballot.objects.get(poll=poll)
    secrets = {
        receipt,
        receipt.replace("-", ""),
        rules.receipt_hash(receipt),
        str(ballot.id),
        ballot.id.hex,
        ballot.content,
        key,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {VoterRoll._meta.db_table} WHERE poll_id = %s", [poll.pk])
        rows = cursor.fetchall()
    assert len(rows) == 1
    values = {str(value) for value in rows[0]}
    assert values.isdisjoint(secrets)
    assert not any(secret in value for value in values for secret in secrets if len(secret) > 8)
