"""Template context: the current workspace and the user's other workspaces."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(user.memberships.select_related("workspace"))
    return {
        "member": member,
        "workspace": getattr(member, "workspace", None),
        "my_memberships": memberships,
    }
