"""Pages shared across domains: home, dashboard, account and trash."""
