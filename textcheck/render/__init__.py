"""Renderers: pure functions from results to text or bytes. They never analyse and never print;
``batch_output`` writes a batch's files (atomically) from what the other renderers return."""
