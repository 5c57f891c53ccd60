"""Workspaces (one city's private space), their members and roles, and the trash."""
