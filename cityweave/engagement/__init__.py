"""Interactions (dated contacts), commitments (promises) and relationship health."""
