"""Settings a city IT team can approve: production refuses a weak secret key and debug pages with
one line naming the setting, the README's production settings pass Django's deployment check,
and every response carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

PRODUCTION = {
    "CITYWEAVE_PRODUCTION": "true",
    "CITYWEAVE_SECURE_COOKIES": "true",
    "CITYWEAVE_BEHIND_PROXY": "true",
    "CITYWEAVE_SSL_REDIRECT": "true",
    "CITYWEAVE_HSTS_SECONDS": "31536000",
    "CITYWEAVE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "CITYWEAVE_HSTS_PRELOAD": "true",
    "CITYWEAVE_ALLOWED_HOSTS": "partners.riverton.gov",
    "CITYWEAVE_CSRF_TRUSTED_ORIGINS": "https://partners.riverton.gov",
}


def cityweave(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the rest of the session, and
    # `check --deploy` rightly refuses it: a test run's own settings stay out of the command's.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CITYWEAVE_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(CITYWEAVE_DATA=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "cityweave", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "CITYWEAVE_SECRET_KEY"),
        ({"CITYWEAVE_SECRET_KEY": "x" * 49}, "CITYWEAVE_SECRET_KEY"),
        ({"CITYWEAVE_SECRET_KEY": "x" * 60, "CITYWEAVE_DEBUG": "true"}, "CITYWEAVE_DEBUG"),
        ({"CITYWEAVE_SECRET_KEY": "x" * 60, "CITYWEAVE_LOG_LEVEL": "loud"}, "CITYWEAVE_LOG_LEVEL"),
    ],
)
def test_production_refuses_bad_settings_in_one_line_naming_them(tmp_path, env, named):
    done = cityweave(tmp_path, "check", **{**PRODUCTION, **env})
    assert done.returncode == 2
    assert done.stderr.startswith(f"cityweave: {named}")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_readme_production_settings_pass_the_deployment_check(tmp_path):
    done = cityweave(
        tmp_path, "check", "--deploy", CITYWEAVE_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION
    )
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_every_response_carries_the_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
