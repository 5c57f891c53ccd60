"""Notification pages: the member's list with its email choice, the bell's count, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from cityweave.reminders import services
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
        return render(
            request,
            "reminders/list.html",
            {
                "notifications": rows,
                "unread": sum(1 for row in rows if row.read_at is None),
                "frequency": services.frequency_of(self.member),
                "frequencies": DigestFrequency.choices,
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
