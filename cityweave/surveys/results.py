"""Results of a wave: per-question distributions, open answers, trends, wave over wave."""
