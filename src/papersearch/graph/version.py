"""The version of the graph extraction: which edges, of which kind and with which evidence, a corpus yields.

Bump ``EXTRACTION_VERSION`` whenever a change to ``extract``, ``citations``, ``lexicon``,
``neighbours`` or ``records`` can change what comes out of the same corpus (an edge found or lost,
a kind, an evidence sentence, a neighbourhood). Every index records the version it was built with
(``index/layout.built_by``); one built with another is stale for ``index --check`` and ``/health``,
and ``papersearch index`` rebuilds it (extracting the graph again, reusing its vectors).
"""

from __future__ import annotations

EXTRACTION_VERSION = 1
