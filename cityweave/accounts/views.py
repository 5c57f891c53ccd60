"""Account pages: your name, your workspaces, your personal API tokens; logging out from a link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View

from cityweave.accounts.models import ApiToken, User
from cityweave.accounts.services import revoke
from cityweave.workspaces.models import Membership


class TokenForm(forms.Form):
    """Name a new personal API token."""

    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What it is for, e.g. “reporting script” or “laptop”.",
    )
    expires = forms.TypedChoiceField(
        label="Works for",
        choices=[("", "Until revoked"), ("30", "30 days"), ("90", "90 days"), ("365", "A year")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The profile form on the same page has a `name` field too; ids must stay unique.
        kwargs.setdefault("auto_id", "id_token_%s")
        super().__init__(*args, **kwargs)


class ProfileForm(forms.ModelForm):
    """The name others see next to your interactions and commitments."""

    class Meta:
        model = User
        fields = ["name"]
        help_texts = {"name": "Shown to the members of your workspaces."}


def account_user(request: HttpRequest) -> User:
    """The logged-in user of an account page (LoginRequiredMixin has turned anyone else away)."""
    user = request.user
    assert isinstance(user, User)
    return user


def render_account(
    request: HttpRequest,
    *,
    token_form: TokenForm | None = None,
    profile_form: ProfileForm | None = None,
    new_token: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The account page; `new_token` is (record, raw token) right after creating one."""
    user = account_user(request)
    context = {
        "account": user,
        "account_memberships": Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name"),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
        "token_form": token_form or TokenForm(),
        "profile_form": profile_form or ProfileForm(instance=user),
        "new_token": new_token,
        "api_url": request.build_absolute_uri(reverse("api:workspaces_list")),
    }
    response = render(request, "accounts/account.html", context, status=status)
    # The raw token is on this page once; no cache may keep a copy of it.
    add_never_cache_headers(response)
    return response


class AccountView(LoginRequiredMixin, View):
    """Your name and email, your workspaces and roles, your personal API tokens."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_account(request)


class ProfileView(LoginRequiredMixin, View):
    """Change your display name."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileForm(request.POST, instance=account_user(request))
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, "Saved your name.")
            return redirect("account:index")
        return render_account(request, profile_form=form, status=422)


class TokenCreateView(LoginRequiredMixin, View):
    """Create a personal API token and show it, this once."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if not form.is_valid():
            return render_account(request, token_form=form, status=422)
        with transaction.atomic():
            token, raw = ApiToken.issue(
                account_user(request),
                form.cleaned_data["name"],
                dt.timedelta(days=form.cleaned_data["expires"])
                if form.cleaned_data["expires"]
                else None,
            )
        return render_account(request, new_token=(token, raw))


class TokenRevokeView(LoginRequiredMixin, View):
    """Confirm, then revoke one of your tokens: programs using it stop working at once, and are
    told it was revoked."""

    def token(self, request: HttpRequest, pk: int) -> ApiToken:
        token = ApiToken.objects.filter(
            user=account_user(request), pk=pk, revoked_at__isnull=True
        ).first()
        if token is None:
            raise Http404("No such token")
        return token

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "accounts/token_revoke.html", {"token": self.token(request, pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        with transaction.atomic():
            token = revoke(self.token(request, pk))
        messages.success(request, f"Revoked the token “{token.name}”.")
        return redirect("account:index")


class LogoutView(auth_views.LogoutView):
    """POST logs out (Django's view); GET, e.g. a bookmarked or typed /accounts/logout/, asks
    first with a page whose button sends that POST, since a GET must not change anything."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")
