"""Convenings' pages under /networks/<slug>/convenings/: the list (upcoming and past), a
convening's page (delegations against the rule, capacity, sessions, ideas moved to action), its
forms, a delegation's delegates and follow-ups, sessions with their review and schedule, the
agenda (page and .ics), badges, attendance and the convenings' trash; and a delegate's public
registration page reached by their personal link (/c/<token>/, no account).

Seats as on every network page (access.py): no seat is 404, a seat without the right is 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cityweave.peers import agenda
from cityweave.peers import convenings as conv
from cityweave.peers.access import require_staff_editor
from cityweave.peers.convening_forms import (
    AttendanceForm,
    ConveningForm,
    DelegateForm,
    FollowUpForm,
    FollowUpReviewForm,
    InviteForm,
    RegistrationForm,
    ReviewForm,
    ScheduleForm,
    SessionForm,
)
from cityweave.peers.models import (
    Convening,
    Delegate,
    Delegation,
    FollowUp,
    Session,
    SessionStatus,
)
from cityweave.peers.services import challenge_choices
from cityweave.peers.views import NetworkView
from cityweave.surveys.public_views import private
from cityweave.web.mixins import apply_validation_error


def _today() -> Any:
    return timezone.localdate()


def _when(session: Session, zone: Any) -> str:
    """A scheduled session's day and times in the host city's time, e.g. "Tue 12 May, 09:00–10:00"."""
    if session.starts_at is None or session.ends_at is None:
        return ""
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return f"{start:%a %-d %b}, {start:%H:%M}–{end:%H:%M}"


class ConveningListView(NetworkView):
    """The network's convenings: upcoming (and under way) first, then past ones with their
    ideas moved to action."""

    def get(self, request: HttpRequest) -> HttpResponse:
        upcoming, past = conv.split_by_date(conv.convenings(self.member), _today())
        totals = conv.action_totals(self.member)
        rows = [{"convening": c, "action": totals.get(c.pk)} for c in past]
        context = {"upcoming": upcoming, "past": rows, "network_total": conv.network_action(totals)}
        return self.render("peers/convenings/list.html", context)


class ConveningFormView(NetworkView):
    """Create a convening (no pk) or edit one (staff editors)."""

    def instance(self, pk: int | None) -> Convening | None:
        require_staff_editor(self.member)
        return None if pk is None else conv.get_convening(self.member, pk)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        convening = self.instance(pk)
        return self.form_page(ConveningForm(member=self.member, convening=convening), convening)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        convening = self.instance(pk)
        form = ConveningForm(request.POST, member=self.member, convening=convening)
        if form.is_valid():
            try:
                saved = conv.save_convening(self.member, dict(form.cleaned_data), convening)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{saved}”.")
                return redirect("peers:convening", self.member.network.slug, saved.pk)
        return self.form_page(form, convening, status=422)

    def form_page(
        self, form: ConveningForm, convening: Convening | None, status: int = 200
    ) -> HttpResponse:
        context = {"form": form, "convening": convening}
        return self.render("peers/convenings/convening_form.html", context, status)


class ConveningPageView(NetworkView):
    """A page about one convening: /networks/<slug>/convenings/<pk>/…"""

    convening: Convening

    def load(self, pk: int) -> Convening:
        self.convening = conv.get_convening(self.member, pk)
        return self.convening

    def render(self, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return super().render(template, {"convening": self.convening, **context}, status)


class ConveningDetailView(ConveningPageView):
    """A convening: its facts, delegations against the rule, capacity, sessions and ideas moved
    to action by city."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.load(pk)
        return self.page()

    def page(self, status: int = 200, invite_form: InviteForm | None = None) -> HttpResponse:
        convening, member = self.convening, self.member
        rows = list(conv.delegations(convening).filter(city__deleted_at__isnull=True))
        checks = [conv.check_delegation(convening, d) for d in rows]
        used = sum(len(conv.delegates_of(d)) for d in rows)
        by_city, total = conv.action_by_city(rows)
        session_rows = list(conv.sessions(convening))
        invite = None
        if member.can_edit:
            invite = invite_form or InviteForm(
                cities=list(conv.uninvited_cities(member, convening))
            )
        mine = {d.city_id for d in rows} & member.city_ids
        labels = dict(challenge_choices(member.network))
        zone = conv.convening_zone(convening)
        context = {
            "theme_label": labels.get(convening.theme, convening.theme),
            "checks": checks,
            "breaking": sum(1 for c in checks if not c.ok),
            "used": used,
            "over_capacity": used > convening.capacity,
            "sessions": [
                {
                    "session": s,
                    "label": labels.get(s.challenge, s.challenge),
                    "when": _when(s, zone),
                }
                for s in session_rows
            ],
            "by_city": by_city,
            "total": total,
            "network_total": conv.network_action(conv.action_totals(member)),
            "invite_form": invite,
            "can_propose": member.can_edit or bool(mine),
            "registered": len(
                [p for d in rows for p in conv.delegates_of(d) if p.registered_at is not None]
            ),
        }
        return self.render("peers/convenings/detail.html", context, status)


class InviteView(ConveningDetailView):
    """POST: invite cities to the convening (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        convening = self.load(pk)
        form = InviteForm(request.POST, cities=list(conv.uninvited_cities(self.member, convening)))
        if form.is_valid():
            try:
                made = conv.invite(self.member, convening, form.cleaned_data["cities"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, f"Invited {len(made)} cit{'y' if len(made) == 1 else 'ies'}."
                )
                return redirect("peers:convening", self.member.network.slug, pk)
        return self.page(status=422, invite_form=form)


class ConveningTrashView(ConveningPageView):
    """Confirm, then move a convening with everything in it to the trash (staff editors)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        self.load(pk)
        return self.render("peers/convenings/confirm_delete.html", {})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        conv.trash_convening(self.member, self.load(pk))
        messages.success(request, f"“{self.convening}” moved to the trash.")
        return redirect("peers:convenings", self.member.network.slug)


class DelegationView(ConveningPageView):
    """A delegation: its delegates against the rule, their registration and attendance, and the
    ideas it will act on with the reviews due; its city's officials (and staff editors) add
    delegates and follow-ups here."""

    delegation: Delegation

    def load_delegation(self, pk: int, delegation: int) -> Delegation:
        self.load(pk)
        self.delegation = conv.get_delegation(self.member, self.convening, delegation)
        return self.delegation

    def get(self, request: HttpRequest, pk: int, delegation: int) -> HttpResponse:
        self.load_delegation(pk, delegation)
        return self.page()

    def page(self, status: int = 200, **forms: Any) -> HttpResponse:
        delegation, member, today = self.delegation, self.member, _today()
        can_edit = member.can_edit_city(delegation.city)
        candidates = conv.partner_candidates(member, delegation.city) if can_edit else []
        follow_ups = [
            {"follow_up": f, "due": conv.reviews_due(self.convening, f, today)}
            for f in conv.follow_ups_of(delegation)
        ]
        context = {
            "delegation": delegation,
            "check": conv.check_delegation(self.convening, delegation),
            "delegates": conv.delegates_of(delegation),
            "follow_ups": follow_ups,
            "can_edit": can_edit,
            "private": conv.can_see_private(member, delegation.city),
            "picks": bool(candidates),
            "review_dates": conv.review_dates(self.convening),
            "delegate_form": forms.get("delegate_form")
            or (DelegateForm(candidates=candidates) if can_edit else None),
            "follow_up_form": forms.get("follow_up_form") or (FollowUpForm() if can_edit else None),
            "review_form": FollowUpReviewForm() if can_edit else None,
            "base": self.request.build_absolute_uri("/")[:-1],
        }
        return self.render("peers/convenings/delegation.html", context, status)


class DelegateAddView(DelegationView):
    """POST: add a delegate to the delegation (staff editors and the city's officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int) -> HttpResponse:
        found = self.load_delegation(pk, delegation)
        conv.require_delegation_editor(self.member, found.city)
        form = DelegateForm(
            request.POST, candidates=conv.partner_candidates(self.member, found.city)
        )
        if form.is_valid():
            try:
                added = conv.save_delegate(self.member, found, dict(form.cleaned_data))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Added {added}.")
                return redirect("peers:delegation", self.member.network.slug, pk, delegation)
        return self.page(status=422, delegate_form=form)


class DelegateEditView(DelegationView):
    """Edit a delegate (staff editors and the city's officials)."""

    delegate: Delegate

    def load_delegate(self, pk: int, delegation: int, delegate: int) -> Delegate:
        found = self.load_delegation(pk, delegation)
        conv.require_delegation_editor(self.member, found.city)
        self.delegate = conv.get_delegate(self.member, found, delegate)
        return self.delegate

    def get(self, request: HttpRequest, pk: int, delegation: int, delegate: int) -> HttpResponse:  # type: ignore[override]
        found = self.load_delegate(pk, delegation, delegate)
        form = DelegateForm(
            candidates=conv.partner_candidates(self.member, self.delegation.city), delegate=found
        )
        return self.form_page(form)

    def post(self, request: HttpRequest, pk: int, delegation: int, delegate: int) -> HttpResponse:
        found = self.load_delegate(pk, delegation, delegate)
        form = DelegateForm(
            request.POST,
            candidates=conv.partner_candidates(self.member, self.delegation.city),
            delegate=found,
        )
        if form.is_valid():
            try:
                conv.save_delegate(self.member, self.delegation, dict(form.cleaned_data), found)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved {found}.")
                return redirect("peers:delegation", self.member.network.slug, pk, delegation)
        return self.form_page(form, status=422)

    def form_page(self, form: DelegateForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "delegation": self.delegation, "delegate": self.delegate}
        return self.render("peers/convenings/delegate_form.html", context, status)


class DelegateTrashView(DelegateEditView):
    """POST: move a delegate to the trash (staff editors and the city's officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int, delegate: int) -> HttpResponse:
        found = self.load_delegate(pk, delegation, delegate)
        conv.trash_delegate(self.member, found)
        messages.success(request, f"{found} moved to the trash.")
        return redirect("peers:delegation", self.member.network.slug, pk, delegation)


class DelegationTrashView(DelegationView):
    """POST: withdraw a city's invitation, its delegates and follow-ups to the trash (staff
    editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int) -> HttpResponse:
        found = self.load_delegation(pk, delegation)
        conv.trash_delegation(self.member, found)
        messages.success(request, f"{found.city}'s invitation moved to the trash.")
        return redirect("peers:convening", self.member.network.slug, pk)


class FollowUpAddView(DelegationView):
    """POST: add an idea the delegation will act on (staff editors and the city's officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int) -> HttpResponse:
        found = self.load_delegation(pk, delegation)
        conv.require_delegation_editor(self.member, found.city)
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                conv.save_follow_up(self.member, found, dict(form.cleaned_data))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Added the idea.")
                return redirect(
                    self.delegation_url(pk, delegation) + "#follow-up",
                )
        return self.page(status=422, follow_up_form=form)

    def delegation_url(self, pk: int, delegation: int) -> str:
        return reverse("peers:delegation", args=[self.member.network.slug, pk, delegation])


class FollowUpEditView(FollowUpAddView):
    """Edit a follow-up (staff editors and the city's officials)."""

    http_method_names = ["get", "post"]
    follow_up: FollowUp

    def load_follow_up(self, pk: int, delegation: int, follow_up: int) -> FollowUp:
        found = self.load_delegation(pk, delegation)
        conv.require_delegation_editor(self.member, found.city)
        self.follow_up = conv.get_follow_up(self.member, found, follow_up)
        return self.follow_up

    def get(self, request: HttpRequest, pk: int, delegation: int, follow_up: int) -> HttpResponse:  # type: ignore[override]
        found = self.load_follow_up(pk, delegation, follow_up)
        return self.form_page(FollowUpForm(follow_up=found))

    def post(self, request: HttpRequest, pk: int, delegation: int, follow_up: int) -> HttpResponse:  # type: ignore[override]
        found = self.load_follow_up(pk, delegation, follow_up)
        form = FollowUpForm(request.POST, follow_up=found)
        if form.is_valid():
            try:
                conv.save_follow_up(self.member, self.delegation, dict(form.cleaned_data), found)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Saved the idea.")
                return redirect(self.delegation_url(pk, delegation) + "#follow-up")
        return self.form_page(form, status=422)

    def form_page(self, form: FollowUpForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "delegation": self.delegation, "follow_up": self.follow_up}
        return self.render("peers/convenings/follow_up_form.html", context, status)


class FollowUpReviewView(FollowUpEditView):
    """POST: record a 30-, 90- or 180-day review of a follow-up, with where it stands."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int, follow_up: int) -> HttpResponse:  # type: ignore[override]
        found = self.load_follow_up(pk, delegation, follow_up)
        form = FollowUpReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose the review and where the idea stands.")
            return redirect(self.delegation_url(pk, delegation) + "#follow-up")
        try:
            conv.record_review(
                self.member, found, form.cleaned_data["days"], form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.page(status=422)
        messages.success(request, f"Recorded the {form.cleaned_data['days']}-day review.")
        return redirect(self.delegation_url(pk, delegation) + "#follow-up")


class FollowUpTrashView(FollowUpEditView):
    """POST: move a follow-up to the trash (staff editors and the city's officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, delegation: int, follow_up: int) -> HttpResponse:  # type: ignore[override]
        found = self.load_follow_up(pk, delegation, follow_up)
        conv.trash_follow_up(self.member, found)
        messages.success(request, f"“{found}” moved to the trash.")
        return redirect(self.delegation_url(pk, delegation) + "#follow-up")


class BadgesView(ConveningPageView):
    """The badges to print: every delegate's name, title and city (staff)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.member.is_staff:
            raise PermissionDenied("Only the network's staff print the badges.")
        self.load(pk)
        return self.render(
            "peers/convenings/badges.html", {"delegates": list(conv.badges(self.convening))}
        )


class AttendanceView(ConveningPageView):
    """Who came: staff editors tick each delegate from the first day on."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        self.load(pk)
        return self.page(AttendanceForm(delegates=list(conv.badges(self.convening))))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        convening = self.load(pk)
        form = AttendanceForm(request.POST, delegates=list(conv.badges(convening)))
        if form.is_valid():
            try:
                changed = conv.record_attendance(self.member, convening, form.attended(), _today())
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, f"Attendance saved ({changed} changed).")
                return redirect("peers:convening", self.member.network.slug, pk)
        return self.page(form, status=422)

    def page(self, form: AttendanceForm, status: int = 200) -> HttpResponse:
        rows = [(d, form[f"d{d.pk}"]) for d in form.delegates]
        context = {"form": form, "rows": rows, "opens": self.convening.starts_on <= _today()}
        return self.render("peers/convenings/attendance.html", context, status)


class SessionFormView(ConveningPageView):
    """Propose a session (no session id) or change a proposal: staff editors, and officials of
    an invited city for their own city."""

    session: Session | None = None

    def get(self, request: HttpRequest, pk: int, session: int | None = None) -> HttpResponse:
        found = self.load_session(pk, session)
        return self.form_page(self.form(None, found))

    def post(self, request: HttpRequest, pk: int, session: int | None = None) -> HttpResponse:
        found = self.load_session(pk, session)
        form = self.form(request.POST, found)
        if form.is_valid():
            try:
                saved = conv.propose_session(
                    self.member, self.convening, dict(form.cleaned_data), found
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the session “{saved}”.")
                return redirect("peers:session", self.member.network.slug, pk, saved.pk)
        return self.form_page(form, status=422)

    def load_session(self, pk: int, session: int | None) -> Session | None:
        self.load(pk)
        if session is not None:
            self.session = conv.get_session(self.member, self.convening, session)
            conv.require_delegation_editor(self.member, self.session.city, "sessions")
        return self.session

    def form(self, data: Any, session: Session | None) -> SessionForm:
        cities = conv.proposing_cities(self.member, self.convening)
        if not cities:
            raise PermissionDenied(
                "Only the network's staff editors and invited cities' officials propose sessions."
            )
        return SessionForm(data, member=self.member, cities=cities, session=session)

    def form_page(self, form: SessionForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "session": self.session}
        return self.render("peers/convenings/session_form.html", context, status)


class SessionDetailView(ConveningPageView):
    """A session: what it is, who proposed it, its review and its place on the agenda; staff
    editors review and schedule it here."""

    session: Session

    def load_session(self, pk: int, session: int) -> Session:
        self.load(pk)
        self.session = conv.get_session(self.member, self.convening, session)
        return self.session

    def get(self, request: HttpRequest, pk: int, session: int) -> HttpResponse:
        self.load_session(pk, session)
        return self.page()

    def page(self, status: int = 200, **forms: Any) -> HttpResponse:
        session, member = self.session, self.member
        schedule = None
        if member.can_edit and session.status != SessionStatus.DECLINED:
            schedule = forms.get("schedule_form") or ScheduleForm(
                delegates=list(conv.badges(self.convening)),
                zone=conv.convening_zone(self.convening),
                session=session,
            )
        slot = next((s for d in agenda.agenda(self.convening, [session]) for s in d.slots), None)
        context = {
            "session": session,
            "slot": slot,
            "zone": conv.convening_zone(self.convening),
            "labels": dict(challenge_choices(member.network)),
            "review_form": forms.get("review_form")
            or (ReviewForm(initial={"status": session.status}) if member.can_edit else None),
            "schedule_form": schedule,
            "can_change": member.can_edit
            or (session.city_id in member.city_ids and session.status != SessionStatus.ACCEPTED),
        }
        return self.render("peers/convenings/session.html", context, status)


class SessionReviewView(SessionDetailView):
    """POST: accept, decline or put back a session (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, session: int) -> HttpResponse:
        require_staff_editor(self.member)
        found = self.load_session(pk, session)
        form = ReviewForm(request.POST)
        if form.is_valid():
            conv.review_session(self.member, found, form.cleaned_data["status"])
            messages.success(request, f"“{found}” is {found.get_status_display().lower()}.")
            return redirect("peers:session", self.member.network.slug, pk, session)
        return self.page(status=422, review_form=form)


class SessionScheduleView(SessionDetailView):
    """POST: give a session its room, time and presenters (staff editors); refused naming the
    field when a room or presenter is double-booked or the time is outside the convening."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, session: int) -> HttpResponse:
        require_staff_editor(self.member)
        found = self.load_session(pk, session)
        if "unschedule" in request.POST:
            agenda.unschedule_session(self.member, found)
            messages.success(request, f"“{found}” is off the agenda.")
            return redirect("peers:session", self.member.network.slug, pk, session)
        zone = conv.convening_zone(self.convening)
        with timezone.override(zone):
            form = ScheduleForm(
                request.POST, delegates=list(conv.badges(self.convening)), zone=zone
            )
            valid = form.is_valid()
        if valid:
            try:
                agenda.schedule_session(self.member, found, dict(form.cleaned_data))
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"“{found}” is on the agenda.")
                return redirect("peers:convening-agenda", self.member.network.slug, pk)
        self.session = conv.get_session(self.member, self.convening, session)
        return self.page(status=422, schedule_form=form)


class SessionTrashView(SessionDetailView):
    """POST: move a session to the trash (staff editors; the proposing city's officials while
    it is not accepted)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, session: int) -> HttpResponse:
        found = self.load_session(pk, session)
        try:
            conv.trash_session(self.member, found)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("peers:session", self.member.network.slug, pk, session)
        messages.success(request, f"“{found}” moved to the trash.")
        return redirect("peers:convening", self.member.network.slug, pk)


class AgendaView(ConveningPageView):
    """The agenda: scheduled sessions by day, time and room, in the host city's time."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        convening = self.load(pk)
        rows = list(conv.sessions(convening))
        context = {
            "days": agenda.agenda(convening, rows),
            "zone": conv.convening_zone(convening),
            "waiting": sum(1 for s in rows if s.status == SessionStatus.PROPOSED),
        }
        return self.render("peers/convenings/agenda.html", context)


class AgendaCalendarView(ConveningPageView):
    """The agenda as an iCalendar (.ics) download."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        convening = self.load(pk)
        response = HttpResponse(
            agenda.agenda_ics(convening, conv.sessions(convening)),
            content_type=agenda.CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="convening-{pk}-agenda.ics"'
        return response


class ConveningTrashListView(NetworkView):
    """The convenings' trash: convenings, invitations, delegates, sessions and follow-ups
    deleted (staff); staff editors restore them."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.member.is_staff:
            raise PermissionDenied("Only the network's staff see the trash.")
        return self.render("peers/convenings/trash.html", {"items": conv.trashed(self.member)})


class ConveningRestoreView(NetworkView):
    """POST: bring a convening record back with what was deleted with it (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        try:
            record = conv.restore(self.member, kind, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("peers:convening-trash", self.member.network.slug)
        messages.success(request, f"“{record}” is back.")
        return redirect("peers:convening-trash", self.member.network.slug)


class RegistrationView(View):
    """A delegate's registration through their personal link (no account): confirm the name and
    title on the badge and any dietary or access needs. Private to its link: never cached or
    indexed. An unknown or withdrawn link is 404; after the convening, the details show but
    no longer change (410)."""

    http_method_names = ["get", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        delegate = conv.delegate_for_token(kwargs["token"])
        if delegate is None:
            response = render(request, "peers/convenings/registration_unknown.html", status=404)
            return private(response)
        self.delegate = delegate
        return private(super().dispatch(request, *args, **kwargs))

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        delegate = self.delegate
        form = RegistrationForm(
            initial={
                n: getattr(delegate, n) for n in ("name", "title", "dietary_needs", "access_needs")
            }
        )
        return self.page(form)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = RegistrationForm(request.POST)
        if not conv.registration_open(self.delegate, _today()):
            return self.page(form, status=410)
        if form.is_valid():
            try:
                conv.register(self.delegate, dict(form.cleaned_data), _today())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return self.page(RegistrationForm(initial=form.cleaned_data), saved=True)
        return self.page(form, status=422)

    def page(self, form: RegistrationForm, status: int = 200, saved: bool = False) -> HttpResponse:
        delegate = self.delegate
        convening = delegate.delegation.convening
        context = {
            "delegate": delegate,
            "delegation": delegate.delegation,
            "convening": convening,
            "network": delegate.network,
            "form": form,
            "open": conv.registration_open(delegate, _today()),
            "saved": saved,
        }
        return render(
            request=self.request,
            template_name="peers/convenings/registration.html",
            context=context,
            status=status,
        )
