"""The demo city's relationship budgets: Alice, the chief of staff, plans 24 hours a month."""

from __future__ import annotations

from cityweave.demo_data import DEMO_USERS
from cityweave.strategy.budget import save_budget
from cityweave.strategy.models import TimeBudget
from cityweave.workspaces.models import Membership, Workspace

#: Alice's budget: 24 hours a month, 30% operational, 30% personal, 40% strategic networking,
#: shared with the office so its other members can read it.
ALICE_BUDGET = {
    "hours_per_month": 24,
    "operational_percent": 30,
    "personal_percent": 30,
    "strategic_percent": 40,
    "shared": True,
}


def add_demo_budgets(workspace: Workspace) -> list[TimeBudget]:
    """Give the demo workspace's first user (Alice) her budget; returns the budgets made.
    Running it again sets the same values (no second budget)."""
    alice = Membership.objects.select_related("workspace").get(
        workspace=workspace, user__email=DEMO_USERS[0].email
    )
    return [save_budget(alice, ALICE_BUDGET)]
