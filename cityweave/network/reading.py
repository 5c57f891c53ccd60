"""What a stakeholder's network position means, in words a city leader reads on its page."""

from __future__ import annotations

from typing import Any

ROLE_MEANINGS = {
    "coordinator": "links two contacts of its own sector",
    "itinerant": "links two contacts of another sector, from outside it",
    "representative": "carries its own sector's contacts to another sector",
    "gatekeeper": "lets another sector's contacts reach its own sector",
    "liaison": "links two sectors, neither of them its own",
}
LOW_CONSTRAINT = 0.35
HIGH_CONSTRAINT = 0.7
NOTABLE_BETWEENNESS = 0.05


def reading_points(
    node: dict[str, Any],
    sector_labels: dict[str, str | None],
    broker: dict[str, Any] | None,
    roles: list[dict[str, Any]],
) -> dict[str, str]:
    """Short sentences saying what the stakeholder's position means, by topic: "sectors",
    "constraint", "paths" (a broker's sentence or its share of shortest paths) and "role"."""
    if not node["degree"]:
        return {"sectors": "No live ties are recorded yet, so it has no position in the network."}
    points = {}
    other_sectors = [
        sector_labels.get(key) or key for key in node["contact_sectors"] if key != node["sector"]
    ]
    if other_sectors:
        noun = "sector" if len(other_sectors) == 1 else "sectors"
        points["sectors"] = (
            f"Ties its own sector ({node['sector_label']}) to {len(other_sectors)} other "
            f"{noun}: {_listed(other_sectors)}."
        )
    else:
        points["sectors"] = f"All of its ties stay within its own sector ({node['sector_label']})."
    constraint = node.get("constraint")
    if constraint is not None:
        if constraint < LOW_CONSTRAINT:
            points["constraint"] = (
                f"Low constraint ({constraint:.2f}): few of its contacts know each other, "
                "so it hears from circles that don't otherwise meet."
            )
        elif constraint > HIGH_CONSTRAINT:
            points["constraint"] = (
                f"High constraint ({constraint:.2f}): its contacts are tied to each other or "
                "it leans on one of them, so it has little room to broker."
            )
        else:
            points["constraint"] = (
                f"Moderate constraint ({constraint:.2f}): some of its contacts know each other."
            )
    share = node.get("betweenness_normalized")
    if broker is not None:
        points["paths"] = broker["sentence"]
    elif share is not None and share >= NOTABLE_BETWEENNESS:
        points["paths"] = (
            f"Sits on {100 * share:.0f}% of the shortest paths between other stakeholders."
        )
    if roles:
        top = roles[0]
        points["role"] = (
            f"Its most frequent brokerage role is {top['role']} ({top['count']}): it "
            f"{top['meaning']}."
        )
    return points


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: Normalized betweenness from which a stakeholder counts as a broker of paths, and below which
#: it barely carries any; constraint bands as in `reading_points`.
HIGH_BETWEENNESS = NOTABLE_BETWEENNESS
LOW_BETWEENNESS = 0.01


def position_rows(node: dict[str, Any]) -> list[dict[str, str]]:
    """A stakeholder's network position for its page: measure, value and what it means."""
    name = node["label"]
    degree = node.get("degree") or 0
    share = node.get("betweenness_normalized")
    constraint = node.get("constraint")
    effective = node.get("effective_size")
    rows = [
        {
            "term": "Degree",
            "value": str(degree),
            "meaning": f"{name} is tied directly to {degree} stakeholder{'s' if degree != 1 else ''}.",
        }
    ]
    if share is None:
        between = "Not defined in a network this small."
    elif share >= HIGH_BETWEENNESS:
        between = f"High betweenness: many shortest paths between others run through {name}."
    elif share >= LOW_BETWEENNESS:
        between = f"Some shortest paths between others run through {name}."
    else:
        between = f"Low betweenness: others reach each other without going through {name}."
    rows.append(
        {
            "term": "Betweenness (normalized)",
            "value": "—" if share is None else f"{share:.3f}",
            "meaning": between,
        }
    )
    if constraint is None:
        constrained = "No contacts, so nothing constrains it."
    elif constraint < LOW_CONSTRAINT:
        constrained = f"Low constraint: few of {name}'s contacts know each other, so it spans structural holes."
    elif constraint > HIGH_CONSTRAINT:
        constrained = (
            f"High constraint: {name}'s contacts are tied to each other or it leans on one of them."
        )
    else:
        constrained = (
            f"Moderate constraint: {name}'s contacts are partly tied to each other, "
            "or its ties lean on a few of them."
        )
    rows.append(
        {
            "term": "Constraint",
            "value": "—" if constraint is None else f"{constraint:.2f}",
            "meaning": constrained,
        }
    )
    rows.append(
        {
            "term": "Effective size",
            "value": "—" if effective is None else f"{effective:.1f}",
            "meaning": (
                "No contacts yet."
                if effective is None
                else f"About {effective:.1f} of its {degree} contacts bring something the others don't: "
                "they are not tied to its other contacts."
            ),
        }
    )
    community = node.get("community")
    rows.append(
        {
            "term": "Community",
            "value": "—" if community is None else node.get("community_name") or str(community),
            "meaning": "The cluster of stakeholders it is most densely tied with (Leiden method).",
        }
    )
    return rows
