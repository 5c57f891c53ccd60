"""Pages for a partnership's joint activities, channels and meeting plans: their sections of the
partnership page, their forms, and the meeting planner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import activities, channels, meetings, services
from cityweave.partnerships.meeting_forms import (
    ActivityForm,
    ChannelForm,
    ConfirmForm,
    FollowUpForm,
    MeetingPlanForm,
)
from cityweave.partnerships.models import Activity, AgendaItem, Channel, MeetingPlan, Partnership
from cityweave.vocabulary import PartnerRole, ValueType, labels_for
from cityweave.web.mixins import WorkspaceView, apply_validation_error


def section_url(partnership: Partnership, key: str) -> str:
    """The partnership page at one of its sections."""
    return f"{partnership.get_absolute_url()}#{key}"


# == Activities ===================================================================================


class PartnershipPartView(WorkspaceView):
    """A page about one part of a partnership: loads the partnership (404 when not live here)."""

    def partnership(self, pk: int) -> Partnership:
        return services.get_partnership(self.member, pk)


class ActivityFormView(PartnershipPartView):
    """Record a joint activity (no record) or edit one; it is logged as an interaction."""

    writes = True

    def get(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        activity = activities.get_activity(self.member, partnership, record) if record else None
        initial = {}
        if activity is not None:
            initial = {
                "name": activity.name,
                "held_on": activity.held_on,
                "place": activity.place,
                "attendance": activity.attendance,
                "outcome": activity.outcome,
                "partners": list(activity.partners.all()),
            }
        form = ActivityForm(initial=initial, partnership=partnership)
        return self.render_form(request, form, partnership, activity)

    def post(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        activity = activities.get_activity(self.member, partnership, record) if record else None
        form = ActivityForm(request.POST, partnership=partnership)
        if form.is_valid():
            try:
                saved = activities.save_activity(
                    self.member, partnership, form.service_data(), activity
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{saved}”, logged as an event with its partners.")
                return redirect(section_url(partnership, "activities"))
        return self.render_form(request, form, partnership, activity, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: ActivityForm,
        partnership: Partnership,
        activity: Activity | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "partnership": partnership,
            "title": "Edit activity" if activity is not None else "Add activity",
            "cancel_url": section_url(partnership, "activities"),
            "intro": "A joint initiative or event run with partners. It is logged as an "
            "interaction (an event, on its date) with every partner involved.",
        }
        return render(request, "partnerships/part_form.html", context, status=status)


class PartTrashView(PartnershipPartView):
    """Confirm, then move a part of a partnership to the trash (with what goes along)."""

    writes = True
    section = ""

    def get_record(self, partnership: Partnership, record: int) -> Any:
        raise NotImplementedError

    def trash(self, record: Any) -> Any:
        raise NotImplementedError

    def consequence(self, record: Any) -> str:
        return ""

    def get(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        found = self.get_record(partnership, record)
        return render(
            request,
            "partials/confirm_delete.html",
            {
                "object": found,
                "cancel_url": section_url(partnership, self.section),
                "consequence": self.consequence(found),
            },
        )

    def post(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        found = self.get_record(partnership, record)
        self.trash(found)
        messages.success(request, f"“{found}” moved to the trash.")
        return redirect(section_url(partnership, self.section))


class ActivityTrashView(PartTrashView):
    """Move a joint activity to the trash with its interaction."""

    section = "activities"

    def get_record(self, partnership: Partnership, record: int) -> Activity:
        return activities.get_activity(self.member, partnership, record)

    def trash(self, record: Activity) -> Any:
        return activities.trash_activity(self.member, record)

    def consequence(self, record: Activity) -> str:
        return "The interaction that logs it goes with it; restoring brings both back."


# == Channels =====================================================================================


class ChannelFormView(PartnershipPartView):
    """Agree a channel (no record) or edit one."""

    writes = True

    def get(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        channel = channels.get_channel(self.member, partnership, record) if record else None
        initial: dict[str, Any] = {}
        if channel is not None:
            initial = {name: getattr(channel, name) for name in channels.CHANNEL_FIELDS}
        form = ChannelForm(initial=initial)
        return self.render_form(request, form, partnership, channel)

    def post(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        channel = channels.get_channel(self.member, partnership, record) if record else None
        form = ChannelForm(request.POST)
        if form.is_valid():
            try:
                saved = channels.save_channel(
                    self.member, partnership, dict(form.cleaned_data), channel
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{saved}”.")
                return redirect(section_url(partnership, "channels"))
        return self.render_form(request, form, partnership, channel, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: ChannelForm,
        partnership: Partnership,
        channel: Channel | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "form": form,
            "partnership": partnership,
            "title": "Edit channel" if channel is not None else "Add channel",
            "cancel_url": section_url(partnership, "channels"),
            "intro": "A channel the partners agreed to keep: it is kept while it is used at "
            "least as often as agreed.",
        }
        return render(request, "partnerships/part_form.html", context, status=status)


class ChannelUsedView(PartnershipPartView):
    """POST: record that a channel was used today."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        channel = channels.mark_used(
            self.member, channels.get_channel(self.member, partnership, record)
        )
        messages.success(request, f"“{channel}” marked used today.")
        return redirect(section_url(partnership, "channels"))


class ChannelTrashView(PartTrashView):
    """Move a channel to the trash."""

    section = "channels"

    def get_record(self, partnership: Partnership, record: int) -> Channel:
        return channels.get_channel(self.member, partnership, record)

    def trash(self, record: Channel) -> Any:
        return channels.trash_channel(self.member, record)


# == Meeting plans ================================================================================


class PlanFormView(PartnershipPartView):
    """Plan a meeting (no record) or change a plan not yet confirmed."""

    writes = True

    def get(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        plan = meetings.get_plan(self.member, partnership, record) if record else None
        initial: dict[str, Any] = {}
        if plan is not None:
            initial = {
                "title": plan.title,
                "starts_at": timezone.localtime(plan.starts_at),
                "duration_minutes": plan.duration_minutes,
                "place": plan.place,
            }
            for n, item in enumerate(plan.agenda.all()):
                initial[f"agenda_{n}_text"] = item.text
                initial[f"agenda_{n}_roles"] = item.roles
                initial[f"agenda_{n}_value_types"] = item.value_types
        return self.render_form(request, MeetingPlanForm(initial=initial), partnership, plan)

    def post(self, request: HttpRequest, pk: int, record: int | None = None) -> HttpResponse:
        partnership = self.partnership(pk)
        plan = meetings.get_plan(self.member, partnership, record) if record else None
        form = MeetingPlanForm(request.POST)
        if form.is_valid():
            try:
                saved = meetings.save_plan(self.member, partnership, form.service_data(), plan)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, found in error.message_dict.items():
                        form.add_error(form.field_for(name), found)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, f"Planned “{saved}”: check who is invited, then confirm.")
                return redirect(plan_url(saved))
        return self.render_form(request, form, partnership, plan, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: MeetingPlanForm,
        partnership: Partnership,
        plan: MeetingPlan | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "partnership": partnership, "plan": plan}
        return render(request, "partnerships/plan_form.html", context, status=status)


def agenda_rows(plan: MeetingPlan) -> list[tuple[AgendaItem, list[str], list[str]]]:
    """The plan's agenda items, each with the labels of the roles and value types it needs."""
    return [
        (item, labels_for(PartnerRole, item.roles), labels_for(ValueType, item.value_types))
        for item in plan.agenda.all()
    ]


def plan_url(plan: MeetingPlan) -> str:
    """The planner's page of a plan."""
    return reverse("partnerships:plan", args=[plan.workspace.slug, plan.partnership_id, plan.pk])


class PlannerView(PartnershipPartView):
    """The meeting planner: the agenda, who it needs (and why) with their meeting load, the
    confirm form (untick or add invitees); once confirmed, the meeting, its .ics and follow-ups.
    POST confirms."""

    def get(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        plan = meetings.get_plan(self.member, partnership, record)
        return self.render_page(request, partnership, plan)

    def post(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        plan = meetings.get_plan(self.member, partnership, record)
        invitees = meetings.planner(self.member, plan)
        form = ConfirmForm(request.POST, partner_ids=[i.partner.pk for i in invitees])
        if form.is_valid():
            try:
                meetings.confirm_plan(
                    self.member, plan, [int(pk) for pk in form.cleaned_data["invited"]]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, f"Confirmed “{plan}”: it is a planned meeting with its invitees."
                )
                return redirect(plan_url(plan))
        return self.render_page(request, partnership, plan, form, invitees, status=422)

    def render_page(
        self,
        request: HttpRequest,
        partnership: Partnership,
        plan: MeetingPlan,
        form: ConfirmForm | None = None,
        invitees: list[meetings.Invitee] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        confirmed = meetings.is_confirmed(plan)
        context: dict[str, Any] = {
            "partnership": partnership,
            "plan": plan,
            "agenda": agenda_rows(plan),
            "confirmed": confirmed,
            "load_days": meetings.LOAD_DAYS,
            "load_max_meetings": meetings.LOAD_MAX_MEETINGS,
            "load_max_hours": meetings.LOAD_MAX_HOURS,
            "unknown_minutes": meetings.UNKNOWN_LENGTH_MINUTES,
        }
        if confirmed:
            context["invited"] = list(plan.invited.select_related("stakeholder").order_by("pk"))
            context["follow_ups"] = list(meetings.follow_ups_of(self.member, plan))
            context["follow_up_form"] = FollowUpForm(partnership=partnership)
            context["today"] = workspace_today(self.workspace)
        else:
            invitees = invitees if invitees is not None else meetings.planner(self.member, plan)
            if form is None:
                form = ConfirmForm(
                    initial={"invited": [str(i.partner.pk) for i in invitees if i.proposed]},
                    partner_ids=[i.partner.pk for i in invitees],
                )
            chosen = set(form["invited"].value() or [])
            positions = {item.pk: n for n, (item, _, _) in enumerate(context["agenda"], start=1)}
            context.update(
                form=form,
                invitees=[
                    {
                        "invitee": i,
                        "checked": str(i.partner.pk) in chosen,
                        "roles": labels_for(PartnerRole, i.partner.roles),
                        "needs": [
                            (positions[item.pk], item.text, why)
                            for item, why in zip(i.items, i.reasons, strict=True)
                        ],
                    }
                    for i in invitees
                ],
                proposed_count=sum(1 for i in invitees if i.proposed),
            )
        return render(request, "partnerships/planner.html", context, status=status)


class FollowUpView(PartnershipPartView):
    """POST: a follow-up of a confirmed plan's meeting, made a commitment."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, record: int) -> HttpResponse:
        partnership = self.partnership(pk)
        plan = meetings.get_plan(self.member, partnership, record)
        if not meetings.is_confirmed(plan):
            messages.error(request, "Confirm the plan first: follow-ups are linked to its meeting.")
            return redirect(plan_url(plan))
        form = FollowUpForm(request.POST, partnership=partnership)
        if form.is_valid():
            try:
                commitment = meetings.add_follow_up(self.member, plan, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Follow-up “{commitment}” recorded.")
                return redirect(plan_url(plan) + "#follow-ups")
        context = {
            "partnership": partnership,
            "plan": plan,
            "agenda": agenda_rows(plan),
            "confirmed": True,
            "invited": list(plan.invited.select_related("stakeholder").order_by("pk")),
            "follow_ups": list(meetings.follow_ups_of(self.member, plan)),
            "follow_up_form": form,
            "today": workspace_today(self.workspace),
        }
        return render(request, "partnerships/planner.html", context, status=422)


class PlanTrashView(PartTrashView):
    """Move a plan to the trash with its planned meeting."""

    section = "meetings"

    def get_record(self, partnership: Partnership, record: int) -> MeetingPlan:
        return meetings.get_plan(self.member, partnership, record)

    def trash(self, record: MeetingPlan) -> Any:
        return meetings.trash_plan(self.member, record)

    def consequence(self, record: MeetingPlan) -> str:
        if meetings.is_confirmed(record):
            return "Its planned meeting goes with it; follow-ups made on it stay."
        return ""
