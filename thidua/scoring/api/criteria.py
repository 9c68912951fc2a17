"""JSON API of the criteria concern: a block-year's criteria set (groups, items, copy, lock, XLSX) and settings.

Thin endpoints, as in the organisations API: reads go through `selectors/criteria.py`, writes through
`services/criteria.py` and `services/config.py`, which check the permission on the block-year,
validate, run in one transaction and audit. Errors are the JSON body of `thidua.api.errors` with a
stable `code` (e.g. "criteria_locked", "duplicate_code", "xlsx_row_invalid"). Criteria and settings
are readable by every signed-in user (`scoring.view_criteria`); a missing object answers 404.
"""

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status, UploadedFile

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring import xlsx
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    FinalRule,
    ItemType,
    NormaliseMethod,
    ReviewMode,
    ScoringConfig,
)
from thidua.scoring.selectors import criteria as selectors
from thidua.scoring.services import config as config_services
from thidua.scoring.services import criteria as services

router = Router()

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _fields(payload: Schema, *, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=exclude_unset)
    return {key: value.value if isinstance(value, Enum) else value for key, value in data.items()}


def _block_year(request: HttpRequest, block_year_id: int) -> BlockYear:
    """The block-year with what the permission predicates read; 404 if the user may not see its criteria."""
    block_year = get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=block_year_id)
    if not _actor(request).has_perm("scoring.view_criteria", block_year):
        raise Http404
    return block_year


def _criteria_set(request: HttpRequest, block_year_id: int) -> CriteriaSet:
    criteria_set = selectors.criteria_set_of(block_year=_block_year(request, block_year_id))
    if criteria_set is None:
        raise Http404
    return criteria_set


def _group(request: HttpRequest, group_id: int) -> CriteriaGroup:
    group = get_object_or_404(
        CriteriaGroup.objects.select_related("criteria_set__block_year__block__owner"), pk=group_id
    )
    _block_year(request, group.criteria_set.block_year_id)
    return group


def _item(request: HttpRequest, item_id: int) -> CriteriaItem:
    item = get_object_or_404(
        CriteriaItem.objects.select_related("criteria_set__block_year__block__owner", "group"), pk=item_id
    )
    _block_year(request, item.criteria_set.block_year_id)
    return item


# ---------------------------------------------------------------- schemas


class ItemOut(Schema):
    id: int
    group_id: int
    code: str
    title: str
    guidance: str
    position: int
    item_type: str
    max_points: Decimal
    per_occurrence: Decimal
    cap: Decimal | None
    evidence_required: bool


class GroupOut(Schema):
    id: int
    code: str
    title: str
    position: int
    base_maximum: Decimal = Field(..., description="The sum of the maxima of its points and yes/no lines.")
    items: list[ItemOut]


class CriteriaSetOut(Schema):
    id: int
    block_year_id: int
    title: str
    legal_basis: str
    status: str
    total_cap: Decimal | None
    bonus_cap: Decimal | None
    copied_from_id: int | None
    locked_at: dt.datetime | None
    base_maximum: Decimal = Field(..., description="Bonus points may take a total past it unless total_cap is set.")
    item_count: int
    groups: list[GroupOut]


class CriteriaSetIn(Schema):
    title: str = Field(..., max_length=255)
    legal_basis: str = ""
    total_cap: Decimal | None = None
    bonus_cap: Decimal | None = None


class GroupIn(Schema):
    code: str = Field(..., max_length=16)
    title: str = Field(..., max_length=500)


class GroupPatch(Schema):
    code: str | None = None
    title: str | None = None


class ItemIn(Schema):
    code: str = Field(..., max_length=16)
    title: str = Field(..., max_length=1000)
    item_type: ItemType = ItemType.POINTS
    max_points: Decimal | None = Field(None, description="Points and yes/no lines: more than 0. Bonus/deduction: 0.")
    per_occurrence: Decimal | None = Field(None, description="Bonus and deduction lines: more than 0.")
    cap: Decimal | None = Field(None, description="Bonus and deduction lines: the limit (empty = none).")
    evidence_required: bool = False
    guidance: str = ""


class ItemPatch(Schema):
    group_id: int | None = None
    code: str | None = None
    title: str | None = None
    item_type: ItemType | None = None
    max_points: Decimal | None = None
    per_occurrence: Decimal | None = None
    cap: Decimal | None = None
    evidence_required: bool | None = None
    guidance: str | None = None


class OrderIn(Schema):
    ids: list[int] = Field(..., description="Every id once, in the new order.")


class CopyIn(Schema):
    source_block_year_id: int | None = Field(None, description="Default: the previous year of the same block.")


class UnlockIn(Schema):
    reason: str = Field(..., max_length=2000)


def _set_out(criteria_set: CriteriaSet) -> dict[str, Any]:
    tree = selectors.criteria_tree(criteria_set=criteria_set)
    return {
        "id": criteria_set.pk,
        "block_year_id": criteria_set.block_year_id,
        "title": criteria_set.title,
        "legal_basis": criteria_set.legal_basis,
        "status": criteria_set.status,
        "total_cap": criteria_set.total_cap,
        "bonus_cap": criteria_set.bonus_cap,
        "copied_from_id": criteria_set.copied_from_id,
        "locked_at": criteria_set.locked_at,
        "base_maximum": tree.base_maximum,
        "item_count": tree.item_count,
        "groups": [
            {
                "id": view.group.pk,
                "code": view.group.code,
                "title": view.group.title,
                "position": view.group.position,
                "base_maximum": view.base_maximum,
                "items": view.items,
            }
            for view in tree.groups
        ],
    }


def _fresh_set(criteria_set_pk: int) -> dict[str, Any]:
    return _set_out(CriteriaSet.objects.select_related("block_year__block").get(pk=criteria_set_pk))


# ---------------------------------------------------------------- the set


@router.get(
    "/block-years/{block_year_id}/criteria",
    response={200: CriteriaSetOut, **ERROR_RESPONSES},
    tags=["criteria"],
    summary="The criteria set of a block-year (groups, items, base maximum)",
)
def criteria_set_detail(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    return _set_out(_criteria_set(request, block_year_id))


@router.put(
    "/block-years/{block_year_id}/criteria",
    response={200: CriteriaSetOut, 201: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Create the set, or change its title, legal basis and caps",
)
def criteria_set_put(request: HttpRequest, block_year_id: int, payload: CriteriaSetIn) -> Status[dict[str, Any]]:
    block_year = _block_year(request, block_year_id)
    existing = selectors.criteria_set_of(block_year=block_year)
    if existing is None:
        created = services.criteria_set_create(actor=_actor(request), block_year=block_year, **_fields(payload))
        return Status(201, _fresh_set(created.pk))
    services.criteria_set_update(actor=_actor(request), criteria_set=existing, **_fields(payload))
    return Status(200, _fresh_set(existing.pk))


@router.post(
    "/block-years/{block_year_id}/criteria/copy",
    response={201: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Copy a set's groups and items (default: last year's set of the same block)",
)
def criteria_set_copy(request: HttpRequest, block_year_id: int, payload: CopyIn) -> Status[dict[str, Any]]:
    block_year = _block_year(request, block_year_id)
    source = None
    if payload.source_block_year_id is not None:
        source = CriteriaSet.objects.filter(block_year_id=payload.source_block_year_id).first()
        if source is None:
            raise InvalidReference(field="source_block_year_id")
    criteria_set = services.criteria_set_copy(actor=_actor(request), block_year=block_year, source=source)
    return Status(201, _fresh_set(criteria_set.pk))


@router.post(
    "/block-years/{block_year_id}/criteria/lock",
    response={200: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Lock the set when scoring opens",
)
def criteria_set_lock(request: HttpRequest, block_year_id: int) -> dict[str, Any]:
    criteria_set = _criteria_set(request, block_year_id)
    services.criteria_set_lock(actor=_actor(request), criteria_set=criteria_set)
    return _fresh_set(criteria_set.pk)


@router.post(
    "/block-years/{block_year_id}/criteria/unlock",
    response={200: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Unlock the set (officers; only while no sheet was submitted)",
)
def criteria_set_unlock(request: HttpRequest, block_year_id: int, payload: UnlockIn) -> dict[str, Any]:
    criteria_set = _criteria_set(request, block_year_id)
    services.criteria_set_unlock(actor=_actor(request), criteria_set=criteria_set, reason=payload.reason)
    return _fresh_set(criteria_set.pk)


@router.get(
    "/block-years/{block_year_id}/criteria/export",
    response={200: None, **ERROR_RESPONSES},
    tags=["criteria"],
    summary="The set as an Excel workbook (.xlsx)",
)
def criteria_set_export(request: HttpRequest, block_year_id: int) -> HttpResponse:
    criteria_set = _criteria_set(request, block_year_id)
    content = xlsx.write_criteria(criteria_set, selectors.criteria_groups(criteria_set=criteria_set))
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{xlsx.export_filename(criteria_set)}"'
    return response


@router.post(
    "/block-years/{block_year_id}/criteria/import",
    response={200: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Replace a draft set's groups and items by an Excel workbook (multipart field `file`)",
)
def criteria_set_import(request: HttpRequest, block_year_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    block_year = _block_year(request, block_year_id)
    criteria_set = services.criteria_set_import(actor=_actor(request), block_year=block_year, upload=file)
    return _fresh_set(criteria_set.pk)


# ---------------------------------------------------------------- groups and items


@router.post(
    "/block-years/{block_year_id}/criteria/groups",
    response={201: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
)
def criteria_group_add(request: HttpRequest, block_year_id: int, payload: GroupIn) -> Status[dict[str, Any]]:
    criteria_set = _criteria_set(request, block_year_id)
    services.criteria_group_add(actor=_actor(request), criteria_set=criteria_set, **_fields(payload))
    return Status(201, _fresh_set(criteria_set.pk))


@router.put(
    "/block-years/{block_year_id}/criteria/groups/order",
    response={200: CriteriaSetOut, **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Reorder the groups",
)
def criteria_groups_reorder(request: HttpRequest, block_year_id: int, payload: OrderIn) -> dict[str, Any]:
    criteria_set = _criteria_set(request, block_year_id)
    services.criteria_groups_reorder(actor=_actor(request), criteria_set=criteria_set, group_ids=payload.ids)
    return _fresh_set(criteria_set.pk)


@router.patch("/criteria-groups/{group_id}", response={200: CriteriaSetOut, **WRITE_RESPONSES}, tags=["criteria"])
def criteria_group_update(request: HttpRequest, group_id: int, payload: GroupPatch) -> dict[str, Any]:
    group = _group(request, group_id)
    services.criteria_group_update(actor=_actor(request), group=group, **_fields(payload, exclude_unset=True))
    return _fresh_set(group.criteria_set_id)


@router.delete("/criteria-groups/{group_id}", response={204: None, **WRITE_RESPONSES}, tags=["criteria"])
def criteria_group_delete(request: HttpRequest, group_id: int) -> Status[None]:
    services.criteria_group_delete(actor=_actor(request), group=_group(request, group_id))
    return Status(204, None)


@router.post("/criteria-groups/{group_id}/items", response={201: ItemOut, **WRITE_RESPONSES}, tags=["criteria"])
def criteria_item_add(request: HttpRequest, group_id: int, payload: ItemIn) -> Status[CriteriaItem]:
    item = services.criteria_item_add(actor=_actor(request), group=_group(request, group_id), **_fields(payload))
    return Status(201, item)


@router.put(
    "/criteria-groups/{group_id}/items/order",
    response={200: list[ItemOut], **WRITE_RESPONSES},
    tags=["criteria"],
    summary="Reorder the items of a group",
)
def criteria_items_reorder(request: HttpRequest, group_id: int, payload: OrderIn) -> list[CriteriaItem]:
    return services.criteria_items_reorder(actor=_actor(request), group=_group(request, group_id), item_ids=payload.ids)


@router.get("/criteria-items/{item_id}", response={200: ItemOut, **ERROR_RESPONSES}, tags=["criteria"])
def criteria_item_detail(request: HttpRequest, item_id: int) -> CriteriaItem:
    return _item(request, item_id)


@router.patch("/criteria-items/{item_id}", response={200: ItemOut, **WRITE_RESPONSES}, tags=["criteria"])
def criteria_item_update(request: HttpRequest, item_id: int, payload: ItemPatch) -> CriteriaItem:
    item = _item(request, item_id)
    changes = _fields(payload, exclude_unset=True)
    if "group_id" in changes:
        group_id = changes.pop("group_id")
        group = CriteriaGroup.objects.filter(pk=group_id, criteria_set_id=item.criteria_set_id).first()
        if group is None:
            raise InvalidReference(field="group_id")
        changes["group"] = group
    for name in ("code", "title", "item_type", "evidence_required", "guidance"):
        if name in changes and changes[name] is None:
            changes.pop(name)  # an explicit null means "unchanged" for fields that cannot be empty
    return services.criteria_item_update(actor=_actor(request), item=item, **changes)


@router.delete("/criteria-items/{item_id}", response={204: None, **WRITE_RESPONSES}, tags=["criteria"])
def criteria_item_delete(request: HttpRequest, item_id: int) -> Status[None]:
    services.criteria_item_delete(actor=_actor(request), item=_item(request, item_id))
    return Status(204, None)


# ---------------------------------------------------------------- scoring settings


class TieBreakIO(Schema):
    kind: str = Field(..., description="group | fewer_deductions | self_score | bonus")
    group: str | None = Field(None, description="The criteria group code, for kind = group.")


class ConfigOut(Schema):
    review_mode: str
    reviewers_per_unit: int
    final_rule: str
    normalisation: str
    use_normalised: bool
    item_difference_threshold: Decimal
    total_difference_threshold: Decimal
    tie_breaks: list[TieBreakIO]
    self_approval_required: bool
    assignment_seed: int
    ranking_published_at: dt.datetime | None


class ConfigIn(Schema):
    """Only the fields sent are changed."""

    review_mode: ReviewMode | None = None
    reviewers_per_unit: int | None = None
    final_rule: FinalRule | None = None
    normalisation: NormaliseMethod | None = None
    use_normalised: bool | None = None
    item_difference_threshold: Decimal | None = None
    total_difference_threshold: Decimal | None = None
    tie_breaks: list[TieBreakIO] | None = None
    self_approval_required: bool | None = None
    assignment_seed: int | None = None


class UnitRef(Schema):
    id: int
    code: str
    name: str


class TrackOut(Schema):
    id: int
    name: str
    position: int
    units: list[UnitRef]

    @staticmethod
    def resolve_units(obj: Any) -> list[Unit]:
        return list(obj.units.all())


class TrackIn(Schema):
    name: str = Field(..., max_length=200)
    unit_ids: list[int]


class TracksIn(Schema):
    tracks: list[TrackIn]


class BandIO(Schema):
    minimum: Decimal
    maximum: Decimal | None = None
    title: str = Field(..., max_length=255)
    source: str = Field("", max_length=500)


class BandsIn(Schema):
    bands: list[BandIO]


@router.get(
    "/block-years/{block_year_id}/scoring-config",
    response={200: ConfigOut, **ERROR_RESPONSES},
    tags=["scoring settings"],
)
def scoring_config_detail(request: HttpRequest, block_year_id: int) -> ScoringConfig:
    return selectors.scoring_config_of(block_year=_block_year(request, block_year_id))


@router.put(
    "/block-years/{block_year_id}/scoring-config",
    response={200: ConfigOut, **WRITE_RESPONSES},
    tags=["scoring settings"],
    summary="Change the scoring settings (only the fields sent)",
)
def scoring_config_update(request: HttpRequest, block_year_id: int, payload: ConfigIn) -> ScoringConfig:
    changes = {key: value for key, value in _fields(payload, exclude_unset=True).items() if value is not None}
    return config_services.scoring_config_update(
        actor=_actor(request), block_year=_block_year(request, block_year_id), **changes
    )


@router.get(
    "/block-years/{block_year_id}/scoring-tracks",
    response={200: list[TrackOut], **ERROR_RESPONSES},
    tags=["scoring settings"],
)
def scoring_tracks_list(request: HttpRequest, block_year_id: int) -> list[Any]:
    return selectors.scoring_tracks(block_year=_block_year(request, block_year_id))


@router.put(
    "/block-years/{block_year_id}/scoring-tracks",
    response={200: list[TrackOut], **WRITE_RESPONSES},
    tags=["scoring settings"],
    summary="Replace the ranking tracks (units in no track rank together)",
)
def scoring_tracks_set(request: HttpRequest, block_year_id: int, payload: TracksIn) -> list[Any]:
    block_year = _block_year(request, block_year_id)
    units = Unit.objects.in_bulk([pk for track in payload.tracks for pk in track.unit_ids])
    tracks: list[tuple[str, list[Unit]]] = []
    for track in payload.tracks:
        if any(pk not in units for pk in track.unit_ids):
            raise InvalidReference(field="tracks")
        tracks.append((track.name, [units[pk] for pk in track.unit_ids]))
    config_services.scoring_tracks_set(actor=_actor(request), block_year=block_year, tracks=tracks)
    return selectors.scoring_tracks(block_year=block_year)


@router.get(
    "/block-years/{block_year_id}/score-bands",
    response={200: list[BandIO], **ERROR_RESPONSES},
    tags=["scoring settings"],
)
def score_bands_list(request: HttpRequest, block_year_id: int) -> list[Any]:
    return selectors.score_bands(block_year=_block_year(request, block_year_id))


@router.put(
    "/block-years/{block_year_id}/score-bands",
    response={200: list[BandIO], **WRITE_RESPONSES},
    tags=["scoring settings"],
    summary="Replace the point bands that suggest a title",
)
def score_bands_set(request: HttpRequest, block_year_id: int, payload: BandsIn) -> list[Any]:
    block_year = _block_year(request, block_year_id)
    config_services.score_bands_set(
        actor=_actor(request),
        block_year=block_year,
        bands=[(band.minimum, band.maximum, band.title, band.source) for band in payload.bands],
    )
    return selectors.score_bands(block_year=block_year)
