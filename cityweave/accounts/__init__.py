"""People who log in: users (by email) and their personal API tokens."""
