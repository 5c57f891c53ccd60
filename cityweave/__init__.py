"""cityweave: the relationship and partnership manager for city leaders."""

__version__ = "0.1.0"
