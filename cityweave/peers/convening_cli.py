"""`cityweave peers convenings NETWORK --as EMAIL`: the network's convenings with their
delegations, delegates and ideas moved to action (the `peers` command's `convenings` action)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import OutputWrapper
from django.utils import timezone

from cityweave.peers import convenings as conv
from cityweave.peers.access import NetworkMember

HELP = "The network's convenings, latest first, with ideas moved to action (in progress or done ÷ all)."


def list_convenings(member: NetworkMember, options: dict[str, Any], out: OutputWrapper) -> None:
    """Write the network's convenings as a table or JSON (`options["format"]`): id, title,
    dates, host city, delegations, delegates and capacity, and ideas moved to action."""
    totals = conv.action_totals(member)
    today = timezone.localdate()
    rows = []
    for convening in conv.convenings(member):
        rate = totals.get(convening.pk, conv.ActionRate("All cities", 0, 0))
        rows.append(
            {
                "id": convening.pk,
                "title": convening.title,
                "starts_on": convening.starts_on.isoformat(),
                "ends_on": convening.ends_on.isoformat(),
                "past": convening.ends_on < today,
                "host_city": str(convening.host_city),
                "delegations": convening.delegation_count,  # type: ignore[attr-defined]
                "delegates": convening.delegate_count,  # type: ignore[attr-defined]
                "capacity": convening.capacity,
                "ideas": rate.ideas,
                "moved_to_action": rate.acted,
                "percent": rate.percent,
            }
        )
    if options["format"] == "json":
        out.write(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        out.write(f"{member.network} has no convening yet.")
    for row in rows:
        share = f" ({row['percent']}%)" if row["percent"] is not None else ""
        out.write(
            f"{row['id']}  {row['starts_on']}  {row['title']} in {row['host_city']}: "
            f"{row['delegations']} delegations, {row['delegates']}/{row['capacity']} delegates; "
            f"ideas moved to action {row['moved_to_action']} of {row['ideas']}{share}"
        )
