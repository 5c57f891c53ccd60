"""Admin for users and API tokens: superusers only, since owners must not see other people's accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from cityweave.accounts.models import ApiToken, User


class SuperusersOnly:
    """Hides a model admin from everyone but superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request)


class UserAddForm(auth_forms.SetUnusablePasswordMixin, auth_forms.BaseUserCreationForm):
    """A new user, keyed by email; the password may be left unset (no password login)."""

    usable_password = auth_forms.SetUnusablePasswordMixin.create_usable_password_field()

    class Meta:
        model = User
        fields = ("email", "name")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].required = False
        self.fields["password2"].required = False

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A user with this email already exists.")
        return email


class UserEditForm(auth_forms.UserChangeForm):
    """A user's details; the password is changed on its own form."""

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(SuperusersOnly, auth_admin.UserAdmin):
    """People who log in, keyed by email."""

    form = UserEditForm
    add_form = UserAddForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "name", "is_active", "is_superuser", "date_joined")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("email", "name")
    ordering = ("email",)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperusersOnly, admin.ModelAdmin):
    """Personal API tokens, to see and revoke; new ones are made on the account page or the CLI."""

    list_display = ("name", "user", "hint", "created_at", "last_used_at")
    search_fields = ("name", "user__email", "hint")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "hint", "created_at", "last_used_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Only the hash is stored; a token made here could never be shown to anyone.
        return False
