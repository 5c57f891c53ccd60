"""Notification pages: the member's list with its email choice, the bell's count, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from cityweave.engagement.services import get_interaction
from cityweave.reminders import calendar, services
from cityweave.reminders.models import DigestFrequency
from cityweave.storable import MAX_ID
from cityweave.web.mixins import WorkspaceView


class NotificationListView(WorkspaceView):
    """What needs the member's attention now, brought up to date on each visit; marking read
    and the email digest's rhythm are the member's own, so viewers may use them too."""

    personal = True

    def get(self, request: HttpRequest) -> HttpResponse:
        services.refresh_notifications(self.workspace)
        rows = list(services.notifications_of(self.member))
        feed = calendar.feed_of(self.member)
        return render(
            request,
            "reminders/list.html",
            {
                "notifications": rows,
                "unread": sum(1 for row in rows if row.read_at is None),
                "frequency": services.frequency_of(self.member),
                "frequencies": DigestFrequency.choices,
                "feed": feed,
                "feed_url": calendar.feed_url(feed, request.build_absolute_uri("/"))
                if feed
                else "",
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "read-all":
            changed = services.mark_read(self.member)
            messages.success(request, f"{changed} marked read.")
        elif action == "read":
            ids = parse_ids(request.POST.getlist("id"))
            if ids is None:
                return HttpResponse("id: not a notification id.", status=400)
            services.mark_read(self.member, ids)
        elif action == "frequency":
            frequency = request.POST.get("frequency", "")
            if frequency not in DigestFrequency.values:
                return HttpResponse(
                    "frequency: choose daily, weekly or never.",
                    status=400,
                    content_type="text/plain",
                )
            services.set_frequency(self.member, frequency)
            messages.success(request, f"Email digest: {DigestFrequency(frequency).label.lower()}.")
        elif action == "feed-new":
            calendar.regenerate_feed(self.member)
            messages.success(
                request, "Your calendar feed has a new address; the previous one no longer works."
            )
        elif action == "feed-off":
            if calendar.revoke_feed(self.member):
                messages.success(request, "Your calendar feed is turned off.")
        else:
            return HttpResponse("action: unknown.", status=400, content_type="text/plain")
        return redirect("notifications:list", self.workspace.slug)


class BellView(WorkspaceView):
    """The bell's text with the unread count, loaded after the page so pages pay nothing."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        # Without the page's context processors: the bell needs the count alone.
        text = render_to_string(
            "reminders/_bell.html", {"unread": services.unread_count(self.member)}
        )
        return HttpResponse(text)


class InvitationView(WorkspaceView):
    """One interaction as an `.ics` invitation (participants and members present as attendees),
    for any member who may see it."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        interaction = get_interaction(self.member, pk)
        response = HttpResponse(
            calendar.interaction_invitation(interaction, request.build_absolute_uri("/")),
            content_type=calendar.CONTENT_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="interaction-{interaction.pk}.ics"'
        return response


class CalendarFeedView(View):
    """The member's iCalendar feed, read by calendar apps without a session: the URL's secret
    token is the credential. An unknown or revoked token answers 404."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        member = calendar.feed_member(token)
        if member is None:
            raise Http404("No such calendar feed")
        response = HttpResponse(
            calendar.member_calendar(member, base=request.build_absolute_uri("/")),
            content_type=calendar.CONTENT_TYPE,
        )
        response["Cache-Control"] = "private, max-age=300"
        response["Content-Disposition"] = 'inline; filename="cityweave.ics"'
        return response


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """One-click unsubscribe from the digest (RFC 8058): the link's signed token names the
    membership; GET asks, POST (from the page or the mail client) stops the digest."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        member = services.member_from_token(token)
        if member is None:
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "reminders/unsubscribe.html", {"target": member})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        member = services.member_from_token(token)
        if member is None:
            return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=404)
        services.set_frequency(member, DigestFrequency.NEVER)
        return render(request, "reminders/unsubscribe.html", {"target": member, "done": True})


def parse_ids(values: list[str]) -> list[int] | None:
    """Record ids from a form's repeated field; None when one is not a whole number in range."""
    ids = []
    for value in values:
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
            return None
        ids.append(int(value))
    return ids
