"""Trust and value scores, and the surveyed network's measures, per wave."""
