"""The sections of ``scripts/bench.py``, one module per kind of measurement.

``report`` holds what they share (the plan of a run, the report, running a command, the Markdown
helpers and writing ``docs/benchmarks.md``); ``query`` the query speed (cold ``ask``, warm search,
the HTTP service); ``build`` the index builds (rebuilds, the pipeline at scale, cross-reference
extraction); ``ann`` the vector index at a million vectors; ``peer`` txtai beside papersearch.
``scripts/bench.py`` runs them in order and is run again with ``--pipeline`` or ``--ann`` for the
helpers that need a process of their own.
"""
