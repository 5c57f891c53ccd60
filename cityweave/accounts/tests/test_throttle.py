"""Login throttling: too many failures for an account or from an address pause logging in there
for a while, with a page that says so; emails log in whatever their case."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from cityweave.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def attempt(email: str, password: str, address: str = "203.0.113.7", forwarded: str = ""):
    headers: dict = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**headers).post(reverse("login"), {"username": email, "password": password})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_account_pauses_after_too_many_failures_whatever_the_address():
    make_user("mayor@riverton.example")
    for n in range(2):
        assert attempt("mayor@riverton.example", "wrong", f"203.0.113.{n}").status_code == 200
    # The third failure reaches the limit: the answer says so.
    assert attempt("mayor@riverton.example", "wrong", "203.0.113.2").status_code == 429
    locked = attempt("Mayor@Riverton.example", PASSWORD, "198.51.100.1")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_address_pauses_after_too_many_failures_whatever_the_account():
    make_user("officer@riverton.example")
    for n in range(3):
        attempt(f"nobody{n}@riverton.example", "wrong")
    assert attempt("officer@riverton.example", PASSWORD).status_code == 429
    # Another address still logs in.
    assert attempt("officer@riverton.example", PASSWORD, "198.51.100.9").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3, CITYWEAVE_BEHIND_PROXY=True)
def test_behind_a_proxy_the_address_is_the_one_it_appended():
    make_user("officer@riverton.example")
    for n in range(3):
        attempt(f"nobody{n}@riverton.example", "wrong", "127.0.0.1", forwarded="203.0.113.7")
    # The same proxy, another person: not locked out.
    ok = attempt("officer@riverton.example", PASSWORD, "127.0.0.1", forwarded="198.51.100.4")
    assert ok.status_code == 302


def test_a_success_clears_the_count_and_emails_log_in_whatever_their_case():
    make_user("chief@riverton.example")
    for _ in range(5):
        attempt("chief@riverton.example", "wrong")
    assert attempt("  CHIEF@Riverton.Example ", PASSWORD).status_code == 302
    for _ in range(5):
        attempt("chief@riverton.example", "wrong")
    assert attempt("chief@riverton.example", PASSWORD).status_code == 302


def test_an_email_is_one_account_whatever_its_case():
    user = make_user("Treasurer@Riverton.example")
    assert user.email == "treasurer@riverton.example"
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("TREASURER@riverton.example")
