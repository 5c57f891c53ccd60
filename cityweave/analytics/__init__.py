"""The network-science engine: plain Python on igraph, no Django, usable as a library and a CLI."""

from cityweave.analytics.analysis import analyze
from cityweave.analytics.result import AnalysisResult

__all__ = ["AnalysisResult", "analyze"]
