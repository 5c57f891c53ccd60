"""The stakeholder list as vCard 4.0: vobject reads back the same names, emails, phones and
organisations; filtered as the list is; scoped to the workspace; open to viewers."""

from __future__ import annotations

import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db


def url(name: str = "stakeholders:export-vcf") -> str:
    return reverse(name, args=["riverton"])


def cards(response) -> dict[str, vobject.base.Component]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return {card.fn.value: card for card in vobject.readComponents(text)}


@pytest.fixture
def contacts(riverton):
    """Two organisations, a person in both, a person with accents in one, a person in none."""
    trust = make_stakeholder(riverton, "Riverton Housing Trust", email="info@trust.example")
    bank = make_stakeholder(riverton, "Banco Ñandú", sector="business", phone="+1 312 555 0188")
    ana = make_stakeholder(
        riverton,
        "Dr. Ana María Núñez-García",
        kind="person",
        given_name="Ana María",
        family_name="Núñez-García",
        email="ana@trust.example",
        phone="+1 312 555 0101",
        title="Director",
        website="https://trust.example/ana",
    )
    ana.organisations.set([trust, bank])
    zoe = make_stakeholder(riverton, "Zoë Øster", kind="person", email="zoe@bank.example")
    zoe.organisations.set([bank])
    make_stakeholder(riverton, "Sam Lee", kind="person", notes="Prefers calls; private remarks")
    return {"trust": trust, "bank": bank, "ana": ana, "zoe": zoe}


def test_vobject_reads_back_the_same_people_and_organisations(alice_client, contacts):
    found = cards(alice_client.get(url()))
    assert set(found) == {
        "Riverton Housing Trust",
        "Banco Ñandú",
        "Dr. Ana María Núñez-García",
        "Zoë Øster",
        "Sam Lee",
    }
    ana = found["Dr. Ana María Núñez-García"]
    assert ana.version.value == "4.0"
    assert (ana.n.value.given, ana.n.value.family) == ("Ana María", "Núñez-García")
    assert [e.value for e in ana.email_list] == ["ana@trust.example"]
    assert [t.value for t in ana.tel_list] == ["+1 312 555 0101"]
    assert sorted(o.value[0] for o in ana.org_list) == ["Banco Ñandú", "Riverton Housing Trust"]
    assert ana.title.value == "Director"
    assert ana.url.value == "https://trust.example/ana"
    assert ana.uid.value == f"urn:uuid:{contacts['ana'].uid}"
    assert not hasattr(ana, "kind")  # a person (KIND defaults to individual)
    zoe = found["Zoë Øster"]
    assert (zoe.n.value.given, zoe.n.value.family) == ("Zoë", "Øster")
    assert [o.value[0] for o in zoe.org_list] == ["Banco Ñandú"]
    bank = found["Banco Ñandú"]
    assert bank.kind.value == "org"
    assert [o.value[0] for o in bank.org_list] == ["Banco Ñandú"]
    assert [t.value for t in bank.tel_list] == ["+1 312 555 0188"]
    assert "note" not in found["Sam Lee"].contents  # the office's notes stay in the office


def test_the_vcards_are_filtered_as_the_list_is(alice_client, contacts):
    people = cards(alice_client.get(url(), {"kind": "person", "q": "bank"}))
    assert set(people) == {"Zoë Øster"}  # her email names the bank
    on_page = alice_client.get(url("stakeholders:list"), {"kind": "person", "q": "bank"})
    assert [s.name for s in on_page.context["object_list"]] == list(people)


def test_a_bad_filter_answers_422_naming_it(alice_client, contacts):
    response = alice_client.get(url(), {"kind": "robot"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["kind"]


def test_a_viewer_may_export_and_another_workspace_gets_404(bob_client, carol_client, contacts):
    assert len(cards(bob_client.get(url()))) == 5
    assert carol_client.get(url()).status_code == 404


def test_the_queries_do_not_grow_with_the_cards(alice_client, riverton, contacts):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            cards(alice_client.get(url()))
        return len(captured)

    few = queries()
    for n in range(10):
        person = make_stakeholder(riverton, f"Person {n}", kind="person")
        person.organisations.set([contacts["trust"]])
    assert queries() == few


def test_the_list_offers_the_vcards_with_its_filters(alice_client, contacts):
    content = alice_client.get(url("stakeholders:list"), {"kind": "person"}).content.decode()
    assert f'href="{url()}?kind=person"' in content
    assert f'href="{url("stakeholders:export-xlsx")}?kind=person"' in content
