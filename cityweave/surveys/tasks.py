"""Background work for surveys: invitations and reminders by email."""
