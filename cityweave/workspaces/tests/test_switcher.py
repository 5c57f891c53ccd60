"""The workspace switcher in the top bar tells apart two workspaces with the same name."""

from __future__ import annotations

from cityweave.testing import make_member, make_workspace


def switcher(html: str) -> str:
    start = html.index('<details class="switcher">')
    return html[start : html.index("</details>", start)]


def test_a_name_shared_by_two_workspaces_shows_their_slugs(alice_client, alice, riverton):
    copy = make_workspace("Riverton", "riverton-copy")
    make_member(copy, alice, "editor")
    make_member(make_workspace("Lakeside", "lakeside"), alice, "viewer")
    html = switcher(alice_client.get("/w/riverton/").content.decode())
    assert 'Riverton <small class="switcher-slug">(riverton)</small>' in html
    assert 'Riverton <small class="switcher-slug">(riverton-copy)</small>' in html
    # A name nobody else uses stays as it is.
    assert "Lakeside <small>Viewer</small>" in html
    assert "(lakeside)" not in html


def test_names_differing_only_in_case_count_as_the_same_label(alice_client, alice, riverton):
    make_member(make_workspace("RIVERTON", "riverton-upper"), alice, "viewer")
    html = switcher(alice_client.get("/w/riverton/").content.decode())
    assert "(riverton-upper)" in html and "(riverton)" in html


def test_one_workspace_of_each_name_shows_no_slug(alice_client, riverton):
    html = switcher(alice_client.get("/w/riverton/").content.decode())
    assert "switcher-slug" not in html
