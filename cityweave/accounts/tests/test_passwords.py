"""Every user can change their password (which logs their other sessions out) and reset a
forgotten one by email, through Django's own views in cityweave's pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cityweave.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW = "a-much-longer-harbour-password"


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_changing_the_password_keeps_this_session_and_ends_the_others():
    user = make_user("chief@riverton.example")
    here, elsewhere = logged_in(user), logged_in(user)
    page = here.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    weak = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert "too common" in weak.content.decode()
    done = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert done.status_code == 302
    assert here.get(reverse("account:index")).status_code == 200
    assert elsewhere.get(reverse("account:index")).status_code == 302  # to the login page
    assert Client().login(username=user.email, password=NEW)


def test_a_forgotten_password_is_reset_through_a_link_sent_by_email():
    user = make_user("treasurer@riverton.example")
    response = Client().post(reverse("password_reset"), {"email": "Treasurer@Riverton.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    found = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert Client().login(username=user.email, password=NEW)
    # The link works once.
    assert "no longer works" in Client().get(link, follow=True).content.decode()


def test_an_unknown_email_gets_the_same_answer_and_no_mail():
    response = Client().post(reverse("password_reset"), {"email": "nobody@riverton.example"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
