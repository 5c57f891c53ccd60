"""Survey invitations and reminders by email, and the personal links to hand out."""
