"""Contacts in and out: the file readers and writers behind contact and calendar import and export."""
