"""A partner's own profile from a survey wave, through its private link: /s/profile/<token>/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cityweave.surveys.instruments import TRUST_ITEMS, VALUE_ITEMS, Measure
from cityweave.surveys.profile import partner_profile
from cityweave.surveys.public_views import private
from cityweave.surveys.scoring import FORMULAS


def profile(request: HttpRequest, token: str) -> HttpResponse:
    """The partner's trust and value against the network's means, with the formulas; 404 for
    a bad or withdrawn link."""
    found = partner_profile(token)
    items = []
    if found.score is not None:
        for kind, score, measures in (
            ("Trust", found.score.trust, TRUST_ITEMS),
            ("Value", found.score.value, VALUE_ITEMS),
        ):
            for measure in measures:
                label = Measure(measure).label.split(": ", 1)[1]
                items.append({"kind": kind, "label": label, "mean": score.items.get(measure)})
    return private(
        render(
            request,
            "surveys/public/profile.html",
            {
                "wave": found.wave,
                "profile": found,
                "items": items,
                "formulas": FORMULAS,
            },
        )
    )
