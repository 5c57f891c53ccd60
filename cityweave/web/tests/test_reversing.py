"""The `{% url %}` tag remembers answers and gives the same ones as Django's `reverse`."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from cityweave.stakeholders.models import Stakeholder
from cityweave.web.reversing import _reverse, cached_reverse


def test_answers_are_reverses_answers_and_are_remembered():
    _reverse.cache_clear()
    for pk in (1, 2, 1, 2):
        assert cached_reverse("stakeholders:detail", ["riverton", pk]) == reverse(
            "stakeholders:detail", args=["riverton", pk]
        )
    info = _reverse.cache_info()
    assert (info.misses, info.hits) == (2, 2)
    assert cached_reverse("stakeholders:list", kwargs={"slug": "riverton"}) == reverse(
        "stakeholders:list", kwargs={"slug": "riverton"}
    )


def test_the_script_prefix_is_part_of_the_answer():
    try:
        set_script_prefix("/city/")
        assert cached_reverse("stakeholders:detail", ["riverton", 3]).startswith("/city/w/")
    finally:
        clear_script_prefix()
    assert cached_reverse("stakeholders:detail", ["riverton", 3]).startswith("/w/")


@pytest.mark.django_db
def test_a_model_argument_is_reversed_each_time(riverton):
    """A model instance becomes its __str__ in the path, which a rename changes."""
    _reverse.cache_clear()
    stakeholder = Stakeholder(workspace=riverton, name="ana", pk=5)
    assert cached_reverse("dashboard", [stakeholder]) == "/w/ana/"
    stakeholder.name = "ben"
    assert cached_reverse("dashboard", [stakeholder]) == "/w/ben/"
    assert _reverse.cache_info().currsize == 0


def test_the_tag_renders_escapes_assigns_and_fails_like_djangos():
    page = Template(
        '{% url "stakeholders:detail" slug pk %}|{% url "nowhere" as gone %}[{{ gone }}]'
        '{% url "stakeholders:list" slug as listing %}{{ listing }}'
    )
    assert page.render(Context({"slug": "riverton", "pk": 7})) == (
        "/w/riverton/stakeholders/7/|[]/w/riverton/stakeholders/"
    )
    with pytest.raises(NoReverseMatch):
        Template('{% url "nowhere" %}').render(Context())
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")
