"""Renderers: pure functions from results to text. They never analyse and never print."""
