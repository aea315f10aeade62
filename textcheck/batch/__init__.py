"""``textcheck batch``: check a whole folder, score every report, find text copied between reports.

Pipeline (docs/batch.md), one module per stage:

1. ``discover``: every readable or known-unreadable file under the given paths, sorted.
2. ``worker`` (in worker processes, results in input order): read bytes -> sha256 -> cache hit, or
   ``check_document`` + paragraph signatures (``match.signatures``), written to the cache.
3. ``match`` (parent): exact duplicates grouped by text, then MinHash LSH banding over the distinct
   texts for candidate pairs, verified with ``rapidfuzz.fuzz.ratio``; union-find gives clusters of
   shared paragraphs; clusters shared by many issuers are boilerplate and dropped.
4. ``score``: the rubric of docs/scoring.md.
5. ``run``: the whole batch (``run_batch`` -> ``BatchResult``), with the cross-report-copy findings
   made by the rule loop. ``options`` reads the ``[batch]`` table of the configuration.

Writing the outputs is rendering: ``textcheck.render.batch_output``. Nothing here prints; progress
is reported through callbacks.
"""
