"""JSON API for workspaces, and the helpers every domain router uses to scope a request."""

import functools
import types
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from cityweave.storable import MAX_ID
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import membership_for

router = Router()


def api_member(request: HttpRequest, slug: str, *, write: bool = False) -> Membership:
    """The caller's membership of workspace `slug` (404 if none); 403 for viewers when writing."""
    member = getattr(request, "member", None)
    if member is None or member.workspace.slug != slug or member.user_id != request.user.pk:
        member = membership_for(request.user, slug)  # type: ignore[arg-type]
    if write and not member.can_edit:
        raise PermissionDenied("Viewers can read this workspace but not change it.")
    # Schemas' resolvers read who asks (e.g. to hide another member's private interaction).
    request.member = member  # type: ignore[attr-defined]
    return member


#: A whole number in a JSON body: a JSON integer, never true or false (which pydantic's lax mode
#: reads as 1 and 0, so `"trust": true` was stored as 1), 2.0 or "2".
Whole = Annotated[int, Field(strict=True)]
#: A record's id in a JSON body: a whole number from 1 to MAX_ID; never true, false or "1".
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]


def _digits(value: Any) -> Any:
    """A query-string number must be written with digits alone: not "+5", "1.0", " 5" or "٥"."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        # A PydanticCustomError's message is the error as is ("Value error, …" for a ValueError).
        raise PydanticCustomError("digits", "must be a whole number written with the digits 0-9")
    return value


#: A whole number in a query string (text by nature), digits only.
QueryInt = Annotated[int, BeforeValidator(_digits)]
#: A record's id in a query string, 1 to MAX_ID.
QueryId = Annotated[QueryInt, Field(ge=1, le=MAX_ID)]


@functools.cache
def _clearable(schema: type[Schema]) -> frozenset[str]:
    """The fields of a create schema that may be null."""
    names = set()
    for name, field in schema.model_fields.items():
        annotation = field.annotation
        if get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(
            annotation
        ):
            names.add(name)
    return frozenset(names)


class PatchSchema(Schema):
    """Fields to change; an omitted field stays as it is. `null` clears a field that its create
    schema (`Creates`) lets be null, and is an error naming any other field (leave it out)."""

    Creates: ClassVar[type[Schema]]

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in _clearable(cls.Creates):
            raise ValueError("This field cannot be null: leave it out to keep its value.")
        return value


#: The furthest a list can be paged: far beyond any workspace, well inside a 64-bit integer.
MAX_OFFSET = 10**9


class ListPagination(LimitOffsetPagination):
    """Limit/offset pages (`limit` 1 to NINJA_PAGINATION_MAX_LIMIT, `offset` 0 to MAX_OFFSET)
    that sort and count ids alone, then load the page's rows: a late page sorts narrow rows,
    not thousands of whole records with everything they join. `finish` completes a page."""

    class Input(Schema):
        limit: QueryInt = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: QueryInt = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return {
            "items": self.finish([rows[pk] for pk in ids if pk in rows], request),
            "count": self._items_count(queryset),
        }

    def finish(self, items: list[Model], request: HttpRequest) -> list[Any]:
        """The page's rows as the response shows them (subclasses load what they share)."""
        return items


def field_errors(error: ValidationError) -> list[dict[str, Any]]:
    """A Django ValidationError as a list of {loc, field, msg}, one per message."""
    if hasattr(error, "error_dict"):
        return [
            {"loc": ["body", field], "field": field, "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"loc": ["body"], "field": None, "msg": message} for message in error.messages]


class WorkspaceOut(Schema):
    """A workspace the caller belongs to, with the caller's role."""

    slug: str
    name: str
    timezone: str
    role: str


@router.get("", response=list[WorkspaceOut], url_name="workspaces_list")
def list_workspaces(request: HttpRequest) -> list[dict[str, Any]]:
    """The workspaces the caller is a member of."""
    memberships = Membership.objects.filter(user=request.user).select_related("workspace")  # type: ignore[misc]
    return [
        {
            "slug": m.workspace.slug,
            "name": m.workspace.name,
            "timezone": m.workspace.timezone,
            "role": m.role,
        }
        for m in memberships
    ]


@router.get("/{slug}", response=WorkspaceOut, url_name="workspaces_detail")
def get_workspace(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One workspace the caller is a member of."""
    m = api_member(request, slug)
    return {
        "slug": m.workspace.slug,
        "name": m.workspace.name,
        "timezone": m.workspace.timezone,
        "role": m.role,
    }
