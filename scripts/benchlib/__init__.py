"""The sections of ``scripts/bench.py``, one module per kind of measurement.

``report`` holds what they share (the plan of a run, the report, running a command, the Markdown
helpers and writing ``docs/benchmarks.md``); ``units`` the one MB (2^20 bytes) and the one
percentile every figure uses; ``load`` the HTTP load driver (also behind ``scripts/loadtest.py``);
``query`` the query speed (cold ``ask``, warm search, the HTTP service, new queries only);
``assist`` and ``mcp`` the assistant and the MCP server; ``build`` the index builds (rebuilds,
the pipeline at scale, cross-reference extraction); ``memory`` the build's peak memory as the
corpus grows; ``million`` one whole ``Searcher`` at 10,000-1,000,000 papers; ``ray_embed`` the
embedding stage on Ray; ``ann`` the vector index at a million vectors and ``shards`` that index
split into shards; ``peer`` txtai beside papersearch. ``scripts/bench.py`` runs them in order;
sections that need processes of their own start them (``--pipeline``, ``--ann``,
``python -m benchlib.<module> --build/--measure``).
"""
