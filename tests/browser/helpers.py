"""What several browser tests do the same way."""

from __future__ import annotations

from cityweave.testing import PASSWORD


def log_in(
    page, email: str = "alice@riverton.example", password: str = PASSWORD, slug: str = "riverton"
) -> None:
    """Log in through the login page and wait for the workspace's dashboard."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/w/{slug}/")
