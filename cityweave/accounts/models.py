"""Users log in with email and password; API clients with a personal token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone

from cityweave.storable import StorableModel


@contextmanager
def briefly_waiting(milliseconds: int = 100) -> Iterator[None]:
    """On SQLite, wait at most `milliseconds` for the write lock inside the block (the busy
    timeout is restored after); elsewhere nothing changes."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """The user with this email, whatever its case (emails are kept in lower case)."""
        return self.get(email__iexact=(username or "").strip())

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(StorableModel, AbstractBaseUser, PermissionsMixin):
    """A person who logs in to cityweave with an email address and password."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Kept in lower case, so an address is one account whatever its case (and unique so).
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class TokenRefused(Exception):
    """A known token that no longer works (revoked or expired); the message says which."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token itself is shown once."""

    PREFIX = "cw_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        max_length=12, help_text="The first characters, to recognise the token."
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="None: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[ApiToken]] = models.Manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(
        cls, user: User, name: str, expires_in: dt.timedelta | None = None
    ) -> tuple[ApiToken, str]:
        """Create a token for `user`, valid for `expires_in` (None: until revoked); returns the
        record and the raw token to show once."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        expires_at = timezone.now() + expires_in if expires_in else None
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(raw), hint=raw[:10], expires_at=expires_at
        )
        return token, raw

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        """The token's user; None for an unknown token or an inactive user. A revoked or expired
        token raises TokenRefused saying so (when), so a script's owner learns why."""
        token = cls.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.revoked_at is not None:
            raise TokenRefused(f"This token was revoked on {token.revoked_at:%d %b %Y}.")
        if token.expires_at is not None and token.expires_at <= now:
            raise TokenRefused(
                f"This token expired on {token.expires_at:%d %b %Y}; create a new one on your account page."
            )
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # A note for the account page, at most once a minute: a read never waits or fails
            # for it when the database is busy with writes (it is noted next time).
            with briefly_waiting():
                try:
                    with transaction.atomic():
                        cls.objects.filter(pk=token.pk).update(last_used_at=now)
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
        return token.user
