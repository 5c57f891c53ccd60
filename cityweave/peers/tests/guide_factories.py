"""Small factories for the guide tests: a guide written through the services, as a writer
would, and Dora, an official of Dayton (Chattanooga's co-author)."""

from __future__ import annotations

from cityweave.accounts.models import User
from cityweave.peers import guides
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.models import CityNetwork, Guide, MemberCity
from cityweave.peers.testing import make_official
from cityweave.testing import make_user


def make_dora(dayton: MemberCity) -> NetworkMember:
    return make_official(dayton, make_user("dora@dayton.example", "Dora Beck"))


def make_guide(
    member: NetworkMember,
    cities: list[MemberCity],
    title: str = "Closing the digital divide",
    challenge: str = "digital-inclusion",
    sections: int = 2,
) -> Guide:
    """A draft guide by `cities` with `sections` sections, the first a case example of the
    first city."""
    guide = guides.save_guide(
        member,
        {
            "title": title,
            "challenge": challenge,
            "summary": "How two cities got residents online.",
            "cities": [c.pk for c in cities],
        },
    )
    for n in range(sections):
        guides.save_section(
            member,
            guide,
            {
                "heading": f"Step {n + 1}",
                "body": f"Do **thing {n + 1}**.",
                "case_city": cities[0].pk if n == 0 else None,
            },
        )
    return guides.get_guide(member, guide.pk)


def publish_guide(
    member: NetworkMember, cities: list[MemberCity], title: str = "Closing the digital divide"
) -> Guide:
    """A guide published by `member` (a staff owner publishes without the review)."""
    guide = make_guide(member, cities, title)
    guides.publish(member, guide, "First edition.")
    return guides.get_guide(member, guide.pk)


def make_budget_guide(network: CityNetwork, user: User, city: MemberCity) -> Guide:
    """The query budgets' focal guide: published by `user` (a staff owner of `network`)."""
    member = network_member(user, network.slug)
    guide = make_guide(member, [city], "Digital navigators")
    guides.publish(member, guide, "First edition.")
    return guides.get_guide(member, guide.pk)


def add_guide_batch(guide: Guide, user: User, cities: list[MemberCity]) -> None:
    """A batch of the query budgets: a draft guide by `cities`, and one more section, author
    city and version on the focal `guide`."""
    member = network_member(user, guide.network.slug)
    make_guide(member, cities, f"Guide by {cities[0].name}", sections=2)
    focal = guides.get_guide(member, guide.pk)
    n = len(guides.sections(focal)) + 1
    guides.save_section(
        member,
        focal,
        {
            "heading": f"Lesson {n}",
            "body": f"What **{cities[0].name}** learnt.",
            "case_city": cities[0].pk,
        },
        change_note=f"Added lesson {n}.",
    )
    focal = guides.get_guide(member, guide.pk)
    ids = [c.pk for c in guides.author_cities(focal)] + [c.pk for c in cities]
    guides.save_guide(member, {"cities": ids}, focal, change_note=f"{cities[0].name} joined.")
