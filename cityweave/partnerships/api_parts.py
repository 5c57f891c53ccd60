"""The JSON API's routes for one kind of a partnership's parts, written once.

A partnership's partners, assets, needs, risks, activities and channels are each a collection
under `/api/v1/workspaces/{slug}/partnerships/{partnership_id}/<plural>`, with the same five
routes: list (paginated), create (201, the record as read back), read, PATCH (only the fields
sent) and DELETE (to the trash, 204). `add_part_routes` adds them to a router from a `Part`: the
schemas and the domain functions that read, save and trash one record. Every route resolves the
workspace and the partnership first (404 for another workspace's), and writes need an editor.

No `from __future__ import annotations` here: django-ninja reads the annotations of the views
made below when they are added, and they name the schemas passed in.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from cityweave.partnerships.models import Partnership
from cityweave.partnerships.services import get_partnership
from cityweave.workspaces.api import ListPagination, api_member
from cityweave.workspaces.models import Membership

BASE = "/{slug}/partnerships/{int:partnership_id}"


@dataclass(frozen=True)
class Part:
    """One kind of part: `plural` is its URL segment (`assets`), `noun` its name in route names
    and function names (`asset`); `In`, `Patch` and `Out` its schemas; `listing(partnership)`
    the records the list pages through, `get(member, partnership, pk)` one record (Http404 for
    none), `save(member, partnership, data, instance)` creates (instance None) or changes one,
    `trash(member, record)` moves it to the trash. `docs` gives each route's description, keyed
    by list, create, get, update, delete. `list_name` keeps a list route's older URL name."""

    plural: str
    noun: str
    In: type[Schema]
    Patch: type[Schema]
    Out: type[Schema]
    listing: Callable[[Partnership], QuerySet[Any]]
    get: Callable[[Membership, Partnership, int], Model]
    save: Callable[..., Model]
    trash: Callable[[Membership, Any], Any]
    docs: dict[str, str]
    list_name: str = ""


def _signature(view: Callable[..., Any], id_name: str | None, payload: Any = None) -> None:
    """Give `view` the signature django-ninja reads: the path's parameters, with the record's id
    under its own name (`asset_id`), and the payload's schema."""
    names: list[tuple[str, Any]] = [("slug", str), ("partnership_id", int)]
    if id_name is not None:
        names.append((id_name, int))
    if payload is not None:
        names.append(("payload", payload))
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter("request", keyword, annotation=HttpRequest)]
    parameters += [inspect.Parameter(name, keyword, annotation=kind) for name, kind in names]
    view.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]


def add_part_routes(router: Router, part: Part, tags: list[str], module: str) -> None:
    """Add `part`'s five routes to `router`. The views are named as if written in `module`
    (`list_assets`, `create_asset`, `get_asset`, `update_asset`, `delete_asset`), which is what
    the OpenAPI operation ids are made of; the record's id is `<noun>_id` in the path."""
    collection = f"{BASE}/{part.plural}"
    id_name = f"{part.noun}_id"
    one = f"{collection}/{{int:{id_name}}}"
    Out = part.Out

    def loaded(request: HttpRequest, slug: str, pk: int, write: bool = False) -> Any:
        member = api_member(request, slug, write=write)
        return member, get_partnership(member, pk)

    def list_view(request: HttpRequest, slug: str, partnership_id: int) -> Any:
        _, partnership = loaded(request, slug, partnership_id)
        return part.listing(partnership)

    def create_view(request: HttpRequest, slug: str, partnership_id: int, payload: Any) -> Any:
        member, partnership = loaded(request, slug, partnership_id, write=True)
        record = part.save(member, partnership, payload.dict(), None)
        return Status(201, part.get(member, partnership, record.pk))

    def get_view(request: HttpRequest, slug: str, partnership_id: int, **ids: int) -> Any:
        member, partnership = loaded(request, slug, partnership_id)
        return part.get(member, partnership, ids[id_name])

    def update_view(
        request: HttpRequest, slug: str, partnership_id: int, payload: Any, **ids: int
    ) -> Any:
        member, partnership = loaded(request, slug, partnership_id, write=True)
        record = part.get(member, partnership, ids[id_name])
        part.save(member, partnership, payload.dict(exclude_unset=True), record)
        return part.get(member, partnership, ids[id_name])

    def delete_view(request: HttpRequest, slug: str, partnership_id: int, **ids: int) -> Any:
        member, partnership = loaded(request, slug, partnership_id, write=True)
        part.trash(member, part.get(member, partnership, ids[id_name]))
        return Status(204, None)

    views: dict[str, tuple[Callable[..., Any], str, str | None, Any]] = {
        "list": (list_view, f"list_{part.plural}".replace("-", "_"), None, None),
        "create": (create_view, f"create_{part.noun}", None, part.In),
        "get": (get_view, f"get_{part.noun}", id_name, None),
        "update": (update_view, f"update_{part.noun}", id_name, part.Patch),
        "delete": (delete_view, f"delete_{part.noun}", id_name, None),
    }
    for action, (view, name, ids, payload) in views.items():
        view.__name__ = view.__qualname__ = name
        view.__module__ = module
        view.__doc__ = part.docs[action]
        _signature(view, ids, payload)
    name = f"partnership_{part.noun}"
    router.get(
        collection,
        response=list[Out],  # type: ignore[valid-type]
        tags=tags,
        url_name=part.list_name or f"partnership_{part.plural}",
    )(paginate(ListPagination)(list_view))
    router.post(collection, response={201: Out}, tags=tags, url_name=f"{name}_create")(create_view)
    router.get(one, response=Out, tags=tags, url_name=f"{name}_detail")(get_view)
    router.patch(one, response=Out, tags=tags, url_name=f"{name}_update")(update_view)
    router.delete(one, response={204: None}, tags=tags, url_name=f"{name}_delete")(delete_view)
