"""SMART networking and partnership goals with dated progress."""
