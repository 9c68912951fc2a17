"""API endpoints about the caller: who they are (/me) and their personal API tokens.

Creating a token needs the browser session (with CSRF, and two-factor for officers): a token
must not be able to mint further tokens, or one leaked token would be impossible to contain.
Listing and revoking work with either kind of authentication, and only ever on one's own tokens.
"""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from thidua.accounts.models import ApiToken, RoleAssignment, User
from thidua.accounts.services import api_token_create, api_token_revoke
from thidua.api.auth import session_auth
from thidua.api.errors import ERROR_RESPONSES

router = Router(tags=["accounts"])


class TokenIn(Schema):
    name: str = Field(..., max_length=100, description="A label to recognise the token by, e.g. the script using it.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The clear token. It is shown only in this response; store it safely.")


class ScopeUnitOut(Schema):
    id: int
    code: str
    name: str


class ScopeBlockYearOut(Schema):
    id: int
    year: int
    block_id: int
    block_name: str = Field(..., alias="block.name")


class RoleOut(Schema):
    role: str
    role_label: str
    unit: ScopeUnitOut | None
    block_year: ScopeBlockYearOut | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_role_label(obj: RoleAssignment) -> str:
        return str(obj.get_role_display())


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_superuser: bool
    person_id: int | None
    roles: list[RoleOut]

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return str(obj)

    @staticmethod
    def resolve_person_id(obj: User) -> int | None:
        person = getattr(obj, "person", None)
        return person.pk if person is not None else None

    @staticmethod
    def resolve_roles(obj: User) -> list[RoleAssignment]:
        return list(
            RoleAssignment.objects.filter(user=obj).select_related("unit", "block_year__block").order_by("role", "id")
        )


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return User.objects.select_related("person").get(pk=user.pk)


@router.get("/tokens", response={200: list[TokenOut], **ERROR_RESPONSES}, summary="Your API tokens (no secrets)")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-id"))  # type: ignore[attr-defined]


@router.post(
    "/tokens",
    auth=session_auth,
    response={201: TokenCreatedOut, **ERROR_RESPONSES},
    summary="Create an API token for yourself (session only; the token is shown once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    token, clear = api_token_create(actor=request.auth, name=payload.name)  # type: ignore[attr-defined]
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": clear})


@router.delete("/tokens/{token_id}", response={204: None, **ERROR_RESPONSES}, summary="Revoke one of your tokens")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)  # type: ignore[attr-defined]
    api_token_revoke(actor=request.auth, token=token)  # type: ignore[attr-defined]
    return Status(204, None)
