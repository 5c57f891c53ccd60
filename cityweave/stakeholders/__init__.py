"""Stakeholders (the network's nodes), their sectors and tags, and the ties between them."""
