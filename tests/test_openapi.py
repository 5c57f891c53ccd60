"""The OpenAPI schema tells the truth: each model's choices under a name of their own, and every
default valid against the schema it belongs to."""

from __future__ import annotations

from cityweave.api import api
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Stakeholder, Tie


def components() -> dict:
    return api.get_openapi_schema()["components"]["schemas"]


def test_each_models_choices_have_their_own_name_and_values():
    schemas = components()
    for name, choices in {
        "StakeholderKind": Stakeholder.Kind,
        "TieKind": Tie.Kind,
        "TieStatus": Tie.Status,
        "InteractionKind": Interaction.Kind,
        "CommitmentStatus": Commitment.Status,
        "GoalStatus": Goal.Status,
    }.items():
        assert schemas[name]["enum"] == list(choices.values), name


def test_every_default_is_valid_against_its_own_schema():
    schemas = components()
    checked = 0
    for schema in schemas.values():
        for name, prop in schema.get("properties", {}).items():
            if "default" not in prop or prop["default"] is None:
                continue
            parts = prop.get("anyOf", []) + prop.get("allOf", [])
            refs = [prop.get("$ref")] + [part.get("$ref") for part in parts]
            for ref in filter(None, refs):
                enum = schemas[ref.rsplit("/", 1)[1]].get("enum")
                if enum is not None:
                    assert prop["default"] in enum, (name, prop)
                    checked += 1
    assert checked >= 5


def test_no_two_schemas_share_a_name():
    """django-ninja names a schema's component by its class name: two classes of one name
    would quietly describe one route's answers with the other's fields."""
    from ninja import Schema

    api.get_openapi_schema()  # imports every router
    seen: dict[str, set[str]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        schema = stack.pop()
        stack.extend(schema.__subclasses__())
        if schema.__module__.startswith("cityweave."):
            seen.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: modules for name, modules in seen.items() if len(modules) > 1} == {}
