"""The JSON API at /api/v1/: authentication, the error format, and each domain's router."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db.utils import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from cityweave.accounts.models import ApiToken, TokenRefused, User
from cityweave.contacts.api import router as contacts_router
from cityweave.engagement.api import router as engagement_router
from cityweave.goals.api import router as goals_router
from cityweave.network.api import router as network_router
from cityweave.partnerships.api import router as partnerships_router
from cityweave.partnerships.gaps_api import router as partnership_gaps_router
from cityweave.partnerships.meetings_api import router as partnership_meetings_router
from cityweave.partnerships.network_api import router as partnership_network_router
from cityweave.peers.api import router as peers_router
from cityweave.reminders.api import router as reminders_router
from cityweave.stakeholders.api import router as stakeholders_router
from cityweave.strategy.api import router as strategy_router
from cityweave.strategy.plan_api import router as strategy_plan_router
from cityweave.surveys.api import router as surveys_router
from cityweave.surveys.results_api import router as survey_results_router
from cityweave.web.busy import busy_response, is_busy
from cityweave.workspaces.api import field_errors
from cityweave.workspaces.api import router as workspaces_router
from cityweave.workspaces.services import membership_for

#: Routes that write only the caller's own things (their notifications read, their digest's
#: rhythm, their relationship budget, their plan and its weights): any member may use them,
#: viewers included.
PERSONAL_ROUTES = frozenset(
    {
        "notifications_read",
        "notifications_digest",
        "budget_mine",
        "budget_plan",
        "budget_plan_weights",
    }
)


def refuse_viewer_writes(request: HttpRequest, user: User) -> None:
    """A viewer's change to a workspace is refused (403) before its body is read, so a viewer
    hears "you cannot change this" rather than what is wrong with the change."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.resolver_match is None:
        return
    if request.resolver_match.url_name in PERSONAL_ROUTES:
        return
    slug = request.resolver_match.kwargs.get("slug")
    if slug is None:
        return
    try:
        member = membership_for(user, slug)
    except Http404:
        return  # not theirs: the route answers 404 itself
    # The route's `api_member` takes it from here rather than asking again.
    request.member = member  # type: ignore[attr-defined]
    if not member.can_edit:
        raise AuthorizationError(message="Viewers can read this workspace but not change it.")


class BearerToken(HttpBearer):
    """`Authorization: Bearer <personal API token>`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        try:
            user = ApiToken.authenticate(token)
        except TokenRefused as refused:
            raise AuthenticationError(message=str(refused)) from None
        if user is not None:
            request.user = user
            refuse_viewer_writes(request, user)
        return user


class Session(SessionAuth):
    """The logged-in browser's session (with its CSRF check), for the pages' own calls."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            refuse_viewer_writes(request, user)
        return user


class BodyError(ValueError):
    """A request body that is not a JSON object."""


class ObjectParser(Parser):
    """JSON bodies are objects: invalid JSON, `""`, `[]` or `3` is refused as a whole (400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            data = json.loads(request.body)
        except ValueError as error:
            raise BodyError(f"The body is not valid JSON ({error}).") from None
        if not isinstance(data, dict):
            raise BodyError('The body must be a JSON object, e.g. {"name": "…"}.')
        return data


#: The error bodies, as the handlers below write them.
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldError": {
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"type": "string"}},
            "field": {"type": ["string", "null"], "description": "e.g. `name`, `participants[1]`"},
            "msg": {"type": "string"},
        },
        "required": ["loc", "field", "msg"],
    },
    "FieldErrors": {
        "type": "object",
        "properties": {
            "detail": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}
        },
        "required": ["detail"],
    },
    "Message": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
}
WRITES = {"post", "put", "patch", "delete"}


def _error(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation the 4xx and 5xx answers it can give, with their bodies: the
    handlers below answer them for any route, so each is written down once here."""
    schema.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            extra = {
                "401": _error(
                    "Not logged in, or the token is unknown, revoked or expired.", "Message"
                ),
                "404": _error("No such workspace for you, or no such record in it.", "Message"),
                "422": _error(
                    "A parameter or field is invalid; each error names it.", "FieldErrors"
                ),
            }
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                extra["400"] = _error(
                    "A query parameter holds a NUL character (%00); the error names it.",
                    "FieldErrors",
                )
            if "requestBody" in operation:
                extra["400"] = _error(
                    "The body is not a JSON object"
                    + (", or a query parameter holds a NUL character." if "400" in extra else "."),
                    "FieldErrors",
                )
                extra["413"] = _error("The body is larger than the API takes.", "FieldErrors")
            if method in WRITES:
                extra["403"] = _error("Viewers can read a workspace but not change it.", "Message")
                extra["503"] = _error(
                    "The database is busy; nothing was saved. Retry after the Retry-After seconds.",
                    "Message",
                )
            for status, answer in extra.items():
                answers.setdefault(status, answer)
    return schema


class CityweaveAPI(NinjaAPI):
    """django-ninja's API with every error answer documented in its OpenAPI schema."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = CityweaveAPI(
    title="cityweave API",
    version="1",
    description=(
        "Stakeholders, ties, interactions, commitments and goals of a cityweave workspace. "
        "Authenticate with `Authorization: Bearer <token>`; create a token on your account page "
        'or with `cityweave token create EMAIL`. Errors come as `{"detail": [{"field", "msg", "loc"}]}`.'
    ),
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    parser=ObjectParser(),
)

api.add_router("/workspaces", workspaces_router, tags=["workspaces"])
api.add_router("/workspaces", stakeholders_router)
api.add_router("/workspaces", engagement_router)
api.add_router("/workspaces", goals_router)
api.add_router("/workspaces", partnerships_router)
api.add_router("/workspaces", network_router)
api.add_router("/workspaces", reminders_router)
api.add_router("/workspaces", contacts_router)
api.add_router("/workspaces", surveys_router)
api.add_router("/workspaces", survey_results_router)
api.add_router("/workspaces", partnership_gaps_router)
api.add_router("/workspaces", partnership_meetings_router)
api.add_router("/workspaces", partnership_network_router)
api.add_router("/workspaces", strategy_router)
api.add_router("/workspaces", strategy_plan_router)
api.add_router("/networks", peers_router)


@api.exception_handler(OperationalError)
def on_database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A write that could not get the database's lock in time: 503 + Retry-After, nothing saved."""
    if is_busy(exc):
        return busy_response(request)
    raise exc


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": field_errors(exc)}, status=422)


#: Where a value sits in the request, not which field it is.
CONTAINERS = {"body", "payload", "query", "path", "filters"}


def field_path(loc: list[Any]) -> str | None:
    """The field an error is about, as a client names it: `participants[1]` for the second item
    of a list, `name` for a field; None for the request as a whole."""
    path = ""
    for part in loc:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit() and path):
            path += f"[{part}]"
        elif part not in CONTAINERS:
            path = f"{path}.{part}" if path else str(part)
    return path or None


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        detail.append(
            {
                "loc": loc,
                "field": field_path(error.get("loc", [])),
                "msg": error.get("msg", "invalid value"),
            }
        )
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """django-ninja's own errors; a body it could not parse says why, in the usual error list."""
    if isinstance(exc.__cause__, BodyError):
        detail = [{"loc": ["body"], "field": None, "msg": str(exc.__cause__)}]
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, in JSON like every other error."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = f"The body is larger than the API takes ({limit:,} bytes)."
    return api.create_response(
        request, {"detail": [{"loc": ["body"], "field": None, "msg": message}]}, status=413
    )


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401: why, when a known token was refused (revoked, expired); else what to send."""
    told = str(exc.message) if exc.message != "Unauthorized" else ""
    detail = told or "Authentication required: send Authorization: Bearer <token>."
    return api.create_response(request, {"detail": detail}, status=401)
