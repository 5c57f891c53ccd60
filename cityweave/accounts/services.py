"""Account operations: users with a workspace membership, and personal API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cityweave.accounts.models import ApiToken, User
from cityweave.workspaces.models import Membership, Role, Workspace
from cityweave.workspaces.services import add_member, create_workspace

DEFAULT_TOKEN_NAME = "command line"


@dataclass(frozen=True)
class UserSetup:
    """What `create_user_with_membership` did."""

    user: User
    membership: Membership
    user_created: bool
    workspace_created: bool
    password_set: bool


def normalise_email(email: str) -> str:
    """The email as users are stored (lowercase); a ValidationError on `email` when it is not one."""
    cleaned = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValidationError({"email": f"“{email}” is not a valid email address."}) from None
    return cleaned


def _field_errors(error: ValidationError, rename: dict[str, str]) -> dict[str, list[str]]:
    return {rename.get(field, field): messages for field, messages in error.message_dict.items()}


def create_user_with_membership(
    email: str,
    workspace_slug: str,
    role: str,
    *,
    name: str | None = None,
    password: str | None = None,
    workspace_name: str | None = None,
) -> UserSetup:
    """Create or update a user, create the workspace when new, and give the user `role` in it.

    Everything is validated before anything is written; a ValidationError names the fields
    (email, role, workspace, workspace_name, name, password).
    """
    errors: dict[str, list[str]] = {}
    try:
        email = normalise_email(email)
    except ValidationError as error:
        errors.update(error.message_dict)
    if role not in Role.values:
        errors["role"] = [f"Unknown role “{role}”; use one of {', '.join(Role.values)}."]

    workspace = Workspace.objects.filter(slug=workspace_slug).first()
    workspace_created = workspace is None
    if workspace is None:
        title = workspace_name or workspace_slug.replace("-", " ").title()
        workspace = Workspace(name=title, slug=workspace_slug)
        try:
            workspace.full_clean()
        except ValidationError as error:
            errors.update(_field_errors(error, {"slug": "workspace", "name": "workspace_name"}))

    user = None if "email" in errors else User.objects.filter(email=email).first()
    user_created = user is None
    if user is None:
        user = User(email=email)
    if name is not None:
        user.name = name.strip()
    if password is not None:
        if not password:
            errors["password"] = ["The password is empty."]
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                errors["password"] = list(error.messages)
            user.set_password(password)
    elif user_created:
        user.set_unusable_password()
    if "email" not in errors:
        try:
            user.full_clean(validate_unique=False)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user.save()
        if workspace_created:
            workspace = create_workspace(workspace.name, workspace.slug)
        membership = add_member(workspace, user, role)
    return UserSetup(
        user=user,
        membership=membership,
        user_created=user_created,
        workspace_created=workspace_created,
        password_set=password is not None,
    )


def user_by_email(email: str) -> User:
    """The user with this email; a ValidationError on `email` when there is none."""
    user = User.objects.filter(email=normalise_email(email)).first()
    if user is None:
        raise ValidationError({"email": f"No user has the email “{email}”."})
    return user


def issue_token(
    email: str, name: str = DEFAULT_TOKEN_NAME, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new personal API token for the user, valid for `expires_in_days` (None: until revoked);
    returns the record and the raw token to show once."""
    user = user_by_email(email)
    name = name.strip()
    max_length = ApiToken._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": "A token needs a name."})
    if max_length is not None and len(name) > max_length:
        raise ValidationError({"name": f"Use at most {max_length} characters for the name."})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires": "Give between 1 and 3,650 days, or none."})
    days = dt.timedelta(days=expires_in_days) if expires_in_days else None
    return ApiToken.issue(user, name, days)


def list_tokens(email: str) -> list[ApiToken]:
    """The user's tokens not revoked, newest first."""
    return list(ApiToken.objects.filter(user=user_by_email(email), revoked_at__isnull=True))


@transaction.atomic
def revoke_token(email: str, hint: str) -> ApiToken:
    """Revoke the user's one live token whose hint starts with `hint` (the whole token also works)."""
    user = user_by_email(email)
    prefix = hint.strip().rstrip("…")[: ApiToken._meta.get_field("hint").max_length]
    if not prefix:
        raise ValidationError({"hint": "Give the first characters of the token to revoke."})
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    matches = [t for t in live if t.hint.startswith(prefix)]
    if not matches:
        raise ValidationError({"hint": f"No token of {user.email} starts with “{prefix}”."})
    if len(matches) > 1:
        raise ValidationError(
            {
                "hint": f"“{prefix}” matches {len(matches)} tokens of {user.email}; give more characters."
            }
        )
    return revoke(matches[0])


def revoke(token: ApiToken) -> ApiToken:
    """Stop a token working at once; it is kept, so a program still using it is told it was
    revoked (and when) rather than that it is unknown."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
