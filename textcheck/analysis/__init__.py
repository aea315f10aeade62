"""Analyses: what rules and commands compute from parsed documents, shared so it is computed once.

An analysis takes documents (and its thresholds as arguments) and returns plain data. It never
reads the configuration or the rule registry, and never imports a rule.
"""
