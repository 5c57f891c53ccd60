"""Pages of the network of cities as a network: its peer exchanges (log, trash, restore), the
city network's map with its brokers and isolated cities, cohorts, the officials' activity and
invitations, and accepting an invitation (the one page reached without a seat: by its signed
link). Every other page resolves the user's seat from the URL (access.py): no seat is 404, a
seat without the right to change something is 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from cityweave.peers import city_network, cohorts, exchanges, invitations, services
from cityweave.peers.cohort_forms import AcceptForm, CohortForm, ExchangeForm, InviteForm
from cityweave.peers.models import MemberCity, OfficialInvitation
from cityweave.peers.views import NetworkView
from cityweave.web.mixins import apply_validation_error


def _live_cities(view: NetworkView) -> list[MemberCity]:
    return list(MemberCity.objects.filter(network=view.member.network).order_by("name", "pk"))


# == Peer exchanges ==============================================================================


#: Exchanges on a page of the exchange list, and exchanges shown from the trash there.
EXCHANGES_PER_PAGE, TRASH_SHOWN = 50, 50


class ExchangeListView(NetworkView):
    """The network's peer exchanges, latest first, 50 a page, optionally only one city's
    (`?city=<id>`); staff editors and officials log them here, and find the latest ones they
    moved to the trash."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def page(self, status: int = 200, form: ExchangeForm | None = None) -> HttpResponse:
        member = self.member
        can_log = member.can_edit or bool(member.city_ids)
        cities = _live_cities(self)
        by_pk = {str(c.pk): c for c in cities}
        city = by_pk.get(self.request.GET.get("city", ""))
        page_obj = Paginator(exchanges.exchanges(member, city), EXCHANGES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        rows = [
            {"exchange": e, "can_change": exchanges.can_log(member, e.city_a, e.city_b)}
            for e in page_obj.object_list
        ]
        trashed = exchanges.trashed_exchanges(member)
        if not member.can_edit:
            ids = list(member.city_ids)
            trashed = trashed.filter(Q(city_a__in=ids) | Q(city_b__in=ids))
        context = {
            "rows": rows,
            "page_obj": page_obj,
            "querystring_without_page": f"city={city.pk}&" if city else "",
            "city": city,
            "cities": cities,
            "trashed": list(trashed[:TRASH_SHOWN]),
            "trash_shown": TRASH_SHOWN,
            "can_log": can_log,
            "form": form or (ExchangeForm(member=member, cities=cities) if can_log else None),
        }
        return self.render("peers/cohorts/exchanges.html", context, status)


class ExchangeAddView(ExchangeListView):
    """POST: log an exchange (staff editors, or an official of either city)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not (self.member.can_edit or self.member.city_ids):
            raise PermissionDenied(
                "Only the network's staff editors and city officials log exchanges."
            )
        form = ExchangeForm(request.POST, member=self.member, cities=_live_cities(self))
        if form.is_valid():
            try:
                exchange = exchanges.save_exchange(self.member, form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Logged: {exchange}.")
                return redirect("peers:exchanges", self.member.network.slug)
        return self.page(status=422, form=form)


class ExchangeTrashView(NetworkView):
    """POST: move an exchange to the trash (staff editors and the officials of its cities)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exchange = exchanges.get_exchange(self.member, pk)
        exchanges.trash_exchange(self.member, exchange)
        messages.success(request, f"“{exchange}” moved to the trash.")
        return redirect(reverse("peers:exchanges", args=[self.member.network.slug]) + "#trash")


class ExchangeRestoreView(NetworkView):
    """POST: bring an exchange back from the trash."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            exchange = exchanges.restore_exchange(self.member, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("peers:exchanges", args=[self.member.network.slug]) + "#trash")
        messages.success(request, f"“{exchange}” is back.")
        return redirect("peers:exchanges", self.member.network.slug)


# == The city network ============================================================================


class CityNetworkView(NetworkView):
    """The network of cities as a network: a map (Cytoscape.js), its brokers between regions,
    its isolated cities, and every city's measures as a table (the map's text alternative)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        report = city_network.city_network(self.member.network)
        top = max((p.betweenness for p in report.positions), default=0.0)
        map_data = {
            "nodes": [
                {
                    "id": str(p.id),
                    "label": p.name,
                    "region": p.region,
                    "degree": p.degree,
                    "betweenness": p.betweenness_normalized,
                    "between_regions": p.between_regions,
                    "share": (p.betweenness / top) if top else 0.0,
                    "role": "isolated"
                    if p.isolated
                    else ("broker" if p in report.brokers else "tied"),
                    "url": reverse("peers:city", args=[self.member.network.slug, p.id]),
                }
                for p in report.positions
            ],
            "edges": [
                {
                    "id": f"{link.a}-{link.b}",
                    "source": str(link.a),
                    "target": str(link.b),
                    "weight": link.weight,
                    "title": "; ".join(link.labels),
                }
                for link in report.links
            ],
        }
        names = {p.id: p.label for p in report.positions}
        links = [{"a": names[link.a], "b": names[link.b], "link": link} for link in report.links]
        context = {
            "report": report,
            "map_data": map_data,
            "links": links,
            "roles": city_network.BETWEEN_REGION_ROLES,
        }
        return self.render("peers/cohorts/city_network.html", context)


# == Cohorts =====================================================================================


class CohortsView(NetworkView):
    """Cohorts of the network's cities for a chosen size (and challenges), with their reasons:
    a GET form, so a plan can be linked to and reloaded."""

    def get(self, request: HttpRequest) -> HttpResponse:
        asked = "size" in request.GET
        form = CohortForm(request.GET if asked else None, member=self.member)
        plan = None
        status = 200
        if asked:
            if form.is_valid():
                try:
                    plan = cohorts.network_cohorts(
                        self.member, form.cleaned_data["size"], form.cleaned_data["challenges"]
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
            if plan is None:
                status = 422
        labels = dict(services.challenge_choices(self.member.network))
        context = {
            "form": form,
            "plan": plan,
            "rows": [{"cohort": c, "theme": labels.get(c.theme, c.theme)} for c in plan.cohorts]
            if plan
            else [],
            "chosen": [labels.get(k, k) for k in plan.challenges] if plan else [],
            "left_out": [c.name for c in plan.left_out] if plan else [],
            "saved": list(cohorts.saved_cohorts(self.member)),
            "trashed": list(cohorts.trashed_cohorts(self.member)) if self.member.can_edit else [],
        }
        return self.render("peers/cohorts/cohorts.html", context, status)


class CohortSaveView(NetworkView):
    """POST: keep the groups of a plan (its size and challenges) as saved cohorts (staff
    editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.member.can_edit:
            raise PermissionDenied("Only the network's staff editors save cohorts.")
        form = CohortForm(request.POST, member=self.member)
        if form.is_valid():
            try:
                saved = cohorts.save_cohorts(
                    self.member, form.cleaned_data["size"], form.cleaned_data["challenges"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, f"Saved {len(saved)} cohort{'s' if len(saved) != 1 else ''}."
                )
                return redirect(
                    reverse("peers:cohorts", args=[self.member.network.slug]) + "#saved"
                )
        else:
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        return redirect("peers:cohorts", self.member.network.slug)


class CohortTrashView(NetworkView):
    """POST: move a saved cohort to the trash (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = cohorts.trash_cohort(self.member, pk)
        messages.success(request, f"“{cohort}” moved to the trash.")
        return redirect(reverse("peers:cohorts", args=[self.member.network.slug]) + "#saved")


class CohortRestoreView(NetworkView):
    """POST: bring a saved cohort back from the trash (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cohort = cohorts.restore_cohort(self.member, pk)
        messages.success(request, f"“{cohort}” is back.")
        return redirect(reverse("peers:cohorts", args=[self.member.network.slug]) + "#saved")


# == Officials: activity and invitations =========================================================


class OfficialsView(NetworkView):
    """Who is active (staff): each city's officials with their last login, the city's last
    change, and the open invitations; staff editors invite officials here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def page(self, status: int = 200, form: InviteForm | None = None) -> HttpResponse:
        rows = invitations.activity(self.member)
        context = {
            "rows": rows,
            "form": form or InviteForm(cities=[row.city for row in rows]),
            "days": invitations.INVITATION_DAYS,
        }
        return self.render("peers/cohorts/officials.html", context, status)


class InviteView(OfficialsView):
    """POST: invite someone to be an official of a city (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.member.can_edit:
            raise PermissionDenied("Only the network's staff editors invite officials.")
        form = InviteForm(request.POST, cities=_live_cities(self))
        if form.is_valid():
            try:
                city = services.get_city(self.member, int(form.cleaned_data["city"]))
                invitation = invitations.invite_official(
                    self.member,
                    city,
                    form.cleaned_data["email"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, f"Invited {invitation.email} to speak for {city}; the link is emailed."
                )
                return redirect("peers:officials", self.member.network.slug)
        return self.page(status=422, form=form)


class WithdrawView(NetworkView):
    """POST: withdraw an open invitation (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        invitation = invitations.withdraw(self.member, pk)
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
        return redirect("peers:officials", self.member.network.slug)


class AcceptView(View):
    """An invitation's link: who invites whom to which city, then accepting it, signed in with
    the invited address or choosing a password for it. A link never valid answers 404; one
    expired, used or withdrawn 410, saying which."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            self.invitation = invitations.invitation_for_token(kwargs["token"])
        except invitations.InvitationError as error:
            return render(
                request,
                "peers/cohorts/invitation_gone.html",
                {"problem": str(error)},
                status=410 if error.gone else 404,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.page(request)

    def page(
        self, request: HttpRequest, form: AcceptForm | None = None, status: int = 200
    ) -> HttpResponse:
        invitation: OfficialInvitation = self.invitation
        user = request.user
        signed_in = user.is_authenticated
        is_invited = signed_in and user.email.casefold() == invitation.email.casefold()  # type: ignore[union-attr]
        needs_account = not signed_in and invitations.needs_account(invitation)
        context = {
            "invitation": invitation,
            "signed_in": signed_in,
            "is_invited": is_invited,
            "needs_account": needs_account,
            "form": form or (AcceptForm() if needs_account else None),
            "login_url": reverse("login") + "?next=" + request.path,
        }
        return render(request, "peers/cohorts/accept.html", context, status=status)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation: OfficialInvitation = self.invitation
        if request.user.is_authenticated:
            try:
                invitations.accept(invitation, request.user)  # type: ignore[arg-type]
            except PermissionDenied as error:
                messages.error(request, str(error))
                return self.page(request, status=403)
            except invitations.InvitationError as error:
                return render(
                    request,
                    "peers/cohorts/invitation_gone.html",
                    {"problem": str(error)},
                    status=410,
                )
            return self.welcome(request)
        if not invitations.needs_account(invitation):
            return redirect_to_login(request.path)
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                user, _ = invitations.accept_with_new_account(
                    invitation, form.cleaned_data["name"], form.cleaned_data["password"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except invitations.InvitationError as error:
                return render(
                    request,
                    "peers/cohorts/invitation_gone.html",
                    {"problem": str(error)},
                    status=410,
                )
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return self.welcome(request)
        return self.page(request, form=form, status=422)

    def welcome(self, request: HttpRequest) -> HttpResponse:
        city = self.invitation.city
        messages.success(
            request, f"Welcome: you now speak for {city} in {self.invitation.network}."
        )
        return redirect(reverse("peers:city", args=[self.invitation.network.slug, city.pk]))
