"""``textcheck serve``: a local web page over the same pipeline as the command line.

Layout: ``command`` (the typer command; imports nothing heavy), ``app`` (the Starlette app: routes,
limits, error pages), ``core`` (the only module that calls the analysis: check, compare, batch, the
reviewer's score), ``views`` (turns results into what the templates show: text lines with
highlighted spans, side-by-side pairs, batch rows; no analysis), ``templates/`` (Jinja2, autoescaped)
and ``static/`` (one CSS and one JS file, no build step, no network).

Needs the ``serve`` extra: ``pip install "textcheck[serve]"``.
"""
