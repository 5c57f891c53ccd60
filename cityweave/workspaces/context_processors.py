"""Template context: the current workspace and the user's other workspaces."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(user.memberships.select_related("workspace"))
    labels = Counter(m.workspace.name.casefold() for m in memberships)
    return {
        "member": member,
        "workspace": getattr(member, "workspace", None),
        "my_memberships": memberships,
        # The workspaces' ids whose name another of the user's workspaces shares: the switcher
        # shows their slugs, so two "Riverton"s can be told apart.
        "ambiguous_workspaces": {
            m.workspace_id for m in memberships if labels[m.workspace.name.casefold()] > 1
        },
    }
