"""The respondents' public pages: a survey answered through a personal link, a wave's open link
or an anonymous draft's resume link, with no account. Every page is private to its link: never
cached, never indexed, and its address (which holds the link's secret) is never sent to
another site as a referrer."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, TypeVar

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cityweave.accounts.throttle import client_address
from cityweave.surveys import answering
from cityweave.surveys.answering import Refusal, Refused, Sheet
from cityweave.surveys.models import Wave
from cityweave.surveys.public_forms import data_from_post, layout

#: Per refusal: the page's title and what happened, in plain words.
REFUSAL_PAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.UNKNOWN: (
        "This survey link does not work",
        "Check that you copied the whole address. If it still does not work, the link may "
        "have been withdrawn: ask whoever gave it to you for a new one.",
    ),
    Refusal.SCHEDULED: (
        "This survey is not open yet",
        "It opens on {opens_on}. Come back then with the same link.",
    ),
    Refusal.CLOSED: (
        "This survey is closed",
        "It took its last answers on {last_day}. Thank you for your interest.",
    ),
    Refusal.TRASHED: (
        "This link has been withdrawn",
        "The office that sent it no longer takes answers through it.",
    ),
    Refusal.SUBMITTED: (
        "Thank you, your answers are in",
        "They have been received and can no longer be changed.",
    ),
    Refusal.THROTTLED: (
        "Too many answers from your connection",
        "This survey's open link takes at most {limit} new answers an hour from one "
        "connection. Please try again in an hour.",
    ),
}
THANKS_SALT = "cityweave.surveys.thanks"
_R = TypeVar("_R", bound=HttpResponseBase)


def private(response: _R) -> _R:
    """Mark a public survey page as personal: not stored by any cache, not indexed by search
    engines, and its address (which holds a secret) not sent to other sites as a referrer."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # "same-origin" (the site's policy, settings.SECURE_REFERRER_POLICY) already keeps the
    # address from other sites; "no-referrer" would make browsers send `Origin: null` with the
    # form, which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def refusal_page(request: HttpRequest, refused: Refused) -> HttpResponse:
    """The clear page for a link that opens nothing to answer (4xx, see REFUSAL_STATUS)."""
    title, detail = REFUSAL_PAGES[refused.reason]
    wave = refused.wave
    detail = detail.format(
        opens_on=f"{wave.opens_on:%-d %B %Y}" if wave else "",
        last_day=f"{_last_day(wave):%-d %B %Y}" if wave else "",
        limit=answering.open_link_limit(),
    )
    context = {"title": title, "detail": detail, "wave": wave, "reason": refused.reason.value}
    response = render(request, "surveys/public/refusal.html", context, status=refused.status)
    if refused.reason == Refusal.THROTTLED:
        response["Retry-After"] = "3600"
    return private(response)


def _last_day(wave: Wave) -> dt.date:
    """The last day a wave took answers: its closing day, or the day it was closed by hand
    (in the workspace's time zone) when that came first."""
    if wave.closed_at is None:
        return wave.closes_on
    closed = timezone.localdate(wave.closed_at, zoneinfo.ZoneInfo(wave.workspace.timezone))
    return min(closed, wave.closes_on)


class AnswerView(View):
    """A survey's answer page for the sheet a link opens (`sheet`); GET shows it with the stored
    answers, POST saves them ("save", "continue") or submits them ("submit")."""

    http_method_names = ["get", "post"]

    def sheet(self, request: HttpRequest, **kwargs: Any) -> Sheet:
        raise NotImplementedError

    def address(self, request: HttpRequest, sheet: Sheet) -> str:
        """Where this sheet is answered (the resume link once an anonymous draft is stored)."""
        return request.path

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return private(super().dispatch(request, *args, **kwargs))
        except Refused as refused:
            return refusal_page(request, refused)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        sheet = self.sheet(request, **kwargs)
        return self.page(request, sheet, answering.current(sheet))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        sheet = self.sheet(request, **kwargs)
        questions = answering.questions_of(sheet.wave)
        roster = answering.roster_of(sheet)
        data = data_from_post(request.POST, questions, roster)
        action = request.POST.get("action", "save")
        shown = set(request.POST.getlist("shown"))
        added = [pick for pick in data["partners"] if pick not in shown]
        # Partners ticked but not yet asked about: save, then ask about them before submitting.
        submit = action == "submit" and not added
        try:
            answering.save(sheet, data, submit=submit)
        except ValidationError as error:
            return self.page(request, sheet, data, error.message_dict, status=422)
        if submit:
            signed = signing.dumps(sheet.wave.pk, salt=THANKS_SALT)
            return HttpResponseRedirect(reverse("answer:answer-thanks", args=[signed]), status=303)
        url = self.address(request, sheet)
        if sheet.resume_secret:
            url = reverse("answer:answer-resume", args=[sheet.resume_secret])
        note = "added" if action == "submit" else "saved"
        anchor = f"#partner-{added[0]}" if added and action != "save" else ""
        return HttpResponseRedirect(f"{url}?{note}=1{anchor}", status=303)

    def page(
        self,
        request: HttpRequest,
        sheet: Sheet,
        data: dict[str, Any],
        errors: dict[str, list[str]] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        questions = answering.questions_of(sheet.wave)
        roster = answering.roster_of(sheet)
        shown = [str(pick) for pick in answering.current(sheet)["partners"]]
        context = {
            "sheet": sheet,
            "wave": sheet.wave,
            "survey": sheet.wave.survey,
            "form": layout(sheet, questions, roster, data, errors),
            "shown": shown if errors is None else [str(pick) for pick in data["partners"]],
            "saved": "saved" in request.GET and errors is None,
            "added": "added" in request.GET and errors is None,
            "resume_url": request.build_absolute_uri(request.path)
            if sheet.anonymous and sheet.response.resume_hash
            else "",
            "anonymous_link": sheet.anonymous and sheet.respondent is not None,
        }
        return render(request, "surveys/public/answer.html", context, status=status)


class PersonalLinkView(AnswerView):
    """/s/<token>/: a respondent's personal link."""

    def sheet(self, request: HttpRequest, **kwargs: Any) -> Sheet:
        return answering.response_for_token(kwargs["token"])


class OpenLinkView(AnswerView):
    """/s/open/<token>/: a wave's open link (anonymous surveys), guarded against floods."""

    def sheet(self, request: HttpRequest, **kwargs: Any) -> Sheet:
        return answering.response_for_open_link(kwargs["token"], client_address(request))


class ResumeLinkView(AnswerView):
    """/s/r/<secret>/: an anonymous draft, found again by the secret in its resume link."""

    def sheet(self, request: HttpRequest, **kwargs: Any) -> Sheet:
        return answering.response_for_resume_secret(kwargs["secret"])


def thank_you(request: HttpRequest, signed: str) -> HttpResponse:
    """/s/thanks/<signed>/: after submitting; names the survey (by a signed wave id, so no
    address lists other surveys) and nothing of the answers."""
    try:
        pk = signing.loads(signed, salt=THANKS_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    wave = Wave.all_objects.select_related("survey", "workspace").filter(pk=pk).first()
    if wave is None:
        raise Http404
    return private(render(request, "surveys/public/thanks.html", {"wave": wave}))
