"""Network-of-cities pages: the networks a user belongs to, a network's cities (filtered by
challenge), a city's profile with its strengths and officials, the profile form, a city's peers,
and the network's trash. Every page resolves the user's seat from the URL (access.py): no seat
is 404, a seat without the right to change something is 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from cityweave.peers import city_network, geo, matching, services
from cityweave.peers.access import (
    NetworkMember,
    network_member,
    require_city_editor,
    require_staff_editor,
    require_staff_owner,
)
from cityweave.peers.forms import (
    ChallengeForm,
    CityForm,
    ImportForm,
    OfficialForm,
    StaffForm,
    StrengthForm,
)
from cityweave.peers.models import MemberCity
from cityweave.web.mixins import apply_validation_error


class NetworksView(LoginRequiredMixin, View):
    """The networks of cities the user has a seat in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        seats = services.networks_of(request.user)  # type: ignore[arg-type]
        return render(request, "peers/networks.html", {"seats": seats})


class NetworkView(LoginRequiredMixin, View):
    """A page of one network: /networks/<slug>/…; 404 without a seat in it."""

    member: NetworkMember

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = network_member(request.user, kwargs.pop("network"))  # type: ignore[arg-type]
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        page = {"network": self.member.network, "seat": self.member, **context}
        return render(self.request, template, page, status=status)

    def city(self, pk: int) -> MemberCity:
        return services.get_city(self.member, pk)


#: Cities on a page of the city list, and peers shown per group before "Show all".
CITIES_PER_PAGE, MATCHES_SHOWN = 100, 50


class CityListView(NetworkView):
    """The network's cities with their challenges, filterable by challenge; staff editors add
    cities, import them from GeoNames and add challenges here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def page(self, status: int = 200, **forms: Any) -> HttpResponse:
        choices = services.challenge_choices(self.member.network)
        labels = dict(choices)
        challenge = self.request.GET.get("challenge", "")
        if challenge not in labels:
            challenge = ""
        page_obj = Paginator(services.cities(self.member, challenge), CITIES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        rows = [
            {"city": city, "challenges": [labels.get(k, k) for k in services.city_challenges(city)]}
            for city in page_obj.object_list
        ]
        context = {
            "rows": rows,
            "page_obj": page_obj,
            "querystring_without_page": f"challenge={challenge}&" if challenge else "",
            "challenge": challenge,
            "choices": choices,
            "import_form": forms.get("import_form") or ImportForm(),
            "challenge_form": forms.get("challenge_form") or ChallengeForm(),
        }
        return self.render("peers/cities.html", context, status)


class ImportView(CityListView):
    """POST: add US cities from GeoNames (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        require_staff_editor(self.member)
        form = ImportForm(request.POST)
        if form.is_valid():
            try:
                report = geo.import_cities(self.member, form.place_list())
            except ValidationError as error:
                form.add_error("places", error.message_dict.get("cities", error.messages))
            else:
                added = ", ".join(str(c) for c in report.added) or "no new city"
                text = f"Added {added}."
                if report.already:
                    text += f" Already in the network: {', '.join(report.already)}."
                messages.success(request, text)
                return redirect("peers:cities", self.member.network.slug)
        return self.page(status=422, import_form=form)


class ChallengeAddView(CityListView):
    """POST: add one of the network's own challenges (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        require_staff_editor(self.member)
        form = ChallengeForm(request.POST)
        if form.is_valid():
            try:
                challenge = services.add_challenge(
                    self.member, form.cleaned_data["key"], form.cleaned_data["label"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Added the challenge “{challenge}”.")
                return redirect("peers:cities", self.member.network.slug)
        return self.page(status=422, challenge_form=form)


class CityDetailView(NetworkView):
    """A city's profile: facts, challenges, strengths and officials."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(self.city(pk))

    def page(self, city: MemberCity, status: int = 200, **forms: Any) -> HttpResponse:
        labels = dict(services.challenge_choices(self.member.network))
        strengths = [
            {"strength": s, "label": labels.get(s.challenge, s.challenge)}
            for s in services.strengths(self.member, city)
        ]
        can_edit = self.member.can_edit_city(city)
        context = {
            "city": city,
            "challenges": [labels.get(k, k) for k in services.city_challenges(city)],
            "strengths": strengths,
            "officials": list(services.officials(city)),
            "can_edit": can_edit,
            "strength_form": forms.get("strength_form") or StrengthForm(member=self.member),
            "official_form": forms.get("official_form") or OfficialForm(),
        }
        return self.render("peers/city.html", context, status)


class StrengthAddView(CityDetailView):
    """POST: add a strength to the city (staff editors and its officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        city = self.city(pk)
        require_city_editor(self.member, city)
        form = StrengthForm(request.POST, member=self.member)
        if form.is_valid():
            try:
                services.save_strength(self.member, city, form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Added the strength.")
                return redirect(city.get_absolute_url() + "#strengths")
        return self.page(city, status=422, strength_form=form)


class StrengthTrashView(NetworkView):
    """POST: move a strength to the trash (staff editors and the city's officials)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, strength_id: int) -> HttpResponse:
        city = self.city(pk)
        strength = services.get_strength(self.member, city, strength_id)
        services.trash_strength(self.member, strength)
        messages.success(request, f"“{strength}” moved to the trash.")
        return redirect(city.get_absolute_url() + "#strengths")


class OfficialAddView(CityDetailView):
    """POST: make someone an official of the city (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        city = self.city(pk)
        require_staff_editor(self.member)
        form = OfficialForm(request.POST)
        if form.is_valid():
            try:
                seat = services.add_official(self.member, city, form.cleaned_data["email"])
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{seat.user.email} is now an official of {city}.")
                return redirect(city.get_absolute_url() + "#officials")
        return self.page(city, status=422, official_form=form)


class OfficialRemoveView(NetworkView):
    """POST: take an official off the city (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, official_id: int) -> HttpResponse:
        city = self.city(pk)
        services.remove_official(self.member, city, official_id)
        messages.success(request, "The official was removed.")
        return redirect(city.get_absolute_url() + "#officials")


class CityFormView(NetworkView):
    """Add a city (no pk; staff editors) or edit its profile (staff editors and its officials)."""

    def instance(self, pk: int | None) -> MemberCity | None:
        if pk is None:
            require_staff_editor(self.member)
            return None
        city = self.city(pk)
        require_city_editor(self.member, city)
        return city

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        city = self.instance(pk)
        return self.form_page(CityForm(member=self.member, city=city), city)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        city = self.instance(pk)
        form = CityForm(request.POST, member=self.member, city=city)
        if form.is_valid():
            try:
                saved = services.save_city(self.member, form.service_data(), city)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved {saved}.")
                return redirect(reverse("peers:city", args=[self.member.network.slug, saved.pk]))
        return self.form_page(form, city, status=422)

    def form_page(self, form: CityForm, city: MemberCity | None, status: int = 200) -> HttpResponse:
        return self.render("peers/city_form.html", {"form": form, "city": city}, status)


class CityTrashView(NetworkView):
    """Confirm, then move a city (with its strengths) to the network's trash (staff editors)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_editor(self.member)
        city = self.city(pk)
        return self.render("peers/confirm_delete.html", {"city": city})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        city = self.city(pk)
        services.trash_city(self.member, city)
        messages.success(request, f"{city} moved to the network's trash.")
        return redirect("peers:cities", self.member.network.slug)


class TrashView(NetworkView):
    """The network's cities in the trash (staff); owners restore them."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.member.is_staff:
            raise PermissionDenied("Only the network's staff see its trash.")
        return self.render(
            "peers/trash.html", {"cities": list(services.trashed_cities(self.member))}
        )


class RestoreView(NetworkView):
    """POST: bring a city back from the trash, with its strengths (owners)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_staff_owner(self.member)
        try:
            city = services.restore_city(self.member, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("peers:trash", self.member.network.slug)
        messages.success(request, f"{city} is back.")
        return redirect(reverse("peers:city", args=[self.member.network.slug, city.pk]))


class MatchesView(NetworkView):
    """A city's peers, best first, with the score, known or opportunity, and why."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        city = self.city(pk)
        choices = services.challenge_choices(self.member.network)
        labels = dict(choices)
        challenge = request.GET.get("challenge", "")
        if challenge not in labels:
            challenge = ""
        facts = matching.load_facts(self.member.network)
        mine = next(f for f in facts if f.id == city.pk)
        found = matching.matches(
            mine,
            facts,
            challenge=challenge,
            labels=labels,
            known=city_network.known_cities(self.member.network, city.pk),
        )
        show_all = request.GET.get("all") == "1"
        if challenge:
            # Who has made headway on it first (directional), then who faces it too.
            solvers = [m for m in found if challenge in m.peer.strengths]
            groups = [
                (f"Have made headway on {labels[challenge].lower()}", solvers),
                (
                    f"Also face {labels[challenge].lower()}",
                    [m for m in found if challenge not in m.peer.strengths],
                ),
            ]
        else:
            groups = [("", found)]
        shown = [
            (title, rows if show_all else rows[:MATCHES_SHOWN], len(rows)) for title, rows in groups
        ]
        context = {
            "city": city,
            "matches": found,
            "groups": shown,
            "cut": not show_all and any(total > MATCHES_SHOWN for _, _, total in shown),
            "challenge": challenge,
            "choices": choices,
            "weights": matching.WEIGHTS,
        }
        return self.render("peers/matches.html", context)


class StaffView(NetworkView):
    """The network's staff with their roles, and the officials of each city (staff only);
    owners add and remove staff here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def page(self, status: int = 200, form: StaffForm | None = None) -> HttpResponse:
        if not self.member.is_staff:
            raise PermissionDenied("Only the network's staff see who is on it.")
        context = {
            "staff": list(services.staff(self.member)),
            "officials": list(services.all_officials(self.member)),
            "form": form or StaffForm(),
        }
        return self.render("peers/staff.html", context, status)


class StaffAddView(StaffView):
    """POST: put someone on the staff with a role (owners)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        require_staff_owner(self.member)
        form = StaffForm(request.POST)
        if form.is_valid():
            try:
                seat = services.add_staff(
                    self.member, form.cleaned_data["email"], form.cleaned_data["role"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"{seat.user.email} is on the staff ({seat.role}).")
                return redirect("peers:staff", self.member.network.slug)
        return self.page(status=422, form=form)


class StaffRemoveView(NetworkView):
    """POST: take someone off the staff; never the last owner (owners)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            services.remove_staff(self.member, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Removed from the staff.")
        return redirect("peers:staff", self.member.network.slug)
