"""Named characters for every test: Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from cityweave.accounts.models import ApiToken, User
from cityweave.testing import make_member, make_user, make_workspace
from cityweave.workspaces.models import Membership, Workspace

# Timing is not what property tests check: a loaded CI machine must not turn a slow example into a failure.
hypothesis_settings.register_profile("cityweave", deadline=None, print_blob=True)
hypothesis_settings.load_profile("cityweave")


@pytest.fixture
def riverton(db) -> Workspace:
    return make_workspace("Riverton", "riverton")


@pytest.fixture
def lakeside(db) -> Workspace:
    return make_workspace("Lakeside", "lakeside", tz="America/New_York")


@pytest.fixture
def alice(riverton) -> User:
    user = make_user("alice@riverton.example", "Alice Reyes")
    make_member(riverton, user, "owner")
    return user


@pytest.fixture
def alice_member(alice, riverton) -> Membership:
    return Membership.objects.get(user=alice, workspace=riverton)


@pytest.fixture
def bob(riverton) -> User:
    user = make_user("bob@riverton.example", "Bob Okafor")
    make_member(riverton, user, "viewer")
    return user


@pytest.fixture
def bob_member(bob, riverton) -> Membership:
    return Membership.objects.get(user=bob, workspace=riverton)


@pytest.fixture
def carol(lakeside) -> User:
    user = make_user("carol@lakeside.example", "Carol Lind")
    make_member(lakeside, user, "owner")
    return user


@pytest.fixture(autouse=True, scope="session")
def fast_and_plain_test_settings():
    """Fast password hashing, plain static storage even after `cityweave serve` collected files,
    and background tasks run at once."""
    from django.test.utils import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Background tasks run inside the request that queues them; tests of the queue itself
        # switch back to the database backend.
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return _client_for(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return _client_for(bob)


@pytest.fixture
def carol_client(carol) -> Client:
    return _client_for(carol)


def _api_client_for(user: User) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def alice_api(alice) -> Client:
    return _api_client_for(alice)


@pytest.fixture
def bob_api(bob) -> Client:
    return _api_client_for(bob)


@pytest.fixture
def carol_api(carol) -> Client:
    return _api_client_for(carol)


#: What tests/test_api_generated.py's generated requests came to, summed over xdist's workers.
GENERATED_TALLY = pytest.StashKey[Counter]()


@pytest.fixture(scope="session")
def generated_tally(request) -> Counter:
    return request.config.stash.setdefault(GENERATED_TALLY, Counter())


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):  # an xdist worker: hand the figures over
        session.config.workeroutput["generated_tally"] = dict(
            session.config.stash.get(GENERATED_TALLY, Counter())
        )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    figures = getattr(node, "workeroutput", {}).get("generated_tally")
    if figures:
        node.config.stash.setdefault(GENERATED_TALLY, Counter()).update(figures)


def pytest_terminal_summary(terminalreporter, config):
    tally = config.stash.get(GENERATED_TALLY, None)
    if tally:
        terminalreporter.write_line(
            f"generated API writes: {tally['generated']} requests, {tally['5xx']} answered 5xx, "
            f"{tally['refused']} refused ({tally['bad refused']} holding a value that must be "
            f"refused), {tally['duplicates refused']} refused as probable duplicates (409), "
            f"{tally['accepted']} accepted; {tally['viewer writes']} viewer writes "
            f"refused 403; {tally['reads']} reads of records, lists and pages"
        )
