"""Answering a wave: find a response by its link, check answers, save a draft, submit."""
