"""The words that say what a question asks besides its topic: who did something first (``ORIGIN``: "who invented",
"the first", "where did X come from") or how something came to be over time (``HISTORY``: "history of", "how did X
evolve", "how have X changed", "the rise of X", "how we got from A to B"). ``plan.make_plan`` reads the intent
from them, once the words of an order, a time and an instruction are cut.
"""

from __future__ import annotations

import re

from ..core.patterns import Gated

ORIGIN = Gated(
    (
        *("first", "invent", "introduc", "pioneer", "origin", "came", "come", "who", "birth", "founding"),
        *("father", "earliest"),
    ),
    r"\b(?:first|invent(?:ed|or|ors|ion|s)?|introduc(?:ed|es|e|tion)|pioneer(?:ed|ing|s)?|originat(?:ed|e|or)|origins?"
    r"|came\s+up\s+with|come\s+up\s+with|comes?\s+from|came\s+from|who\s+(?:created|proposed|developed|discovered|made)"
    r"|birth\s+of|founding|father\s+of|earliest)\b",
    re.IGNORECASE,
)
HISTORY = Gated(
    (
        *("histor", "evol", "timeline", "over", "progress", "develop", "lineage", "trajectory", "how"),
        *(
            "milestone",
            "road",
            "story",
            "from",
            "chronicle",
            "backstory",
            "rise",
            "about",
            "grew",
            "changed",
            "advanced",
        ),
    ),
    r"\b(?:history|histories|historical|evolution|evolved?|evolving|timeline|over\s+the\s+(?:years|decades)"
    r"|over\s+time|progress(?:ion)?\s+(?:of|in)|development\s+of|developed\s+over|lineage|trajectory"
    r"|how\s+did\s+.+\s+(?:develop|change|evolve|progress|grow|end\s+up|come\s+to|take\s+off|catch\s+on"
    r"|start(?:ed)?\s+(?:being|getting))|milestones?|road\s+to|story\s+of|chronicle\s+of|backstory|rise\s+of"
    r"|how\s+(?:has|have|had)\s+.+\s+(?:developed|changed|evolved|progressed|grown|advanced|improved|matured)"
    r"|how\s+(?!(?:does|do|is|are|can|could|would|should|to|much|many)\b).+\s+(?:came\s+about|came\s+to\s+be"
    r"|(?:grew|developed|evolved|progressed|advanced)(?=\s*(?:over\s+(?:time|the\s+years)\s*)?(?:[?.!]|$)))"
    r"|(?:got|get|went|go|going|move[ds]?|moving|shift(?:ed)?|transition(?:ed)?|(?:key|main|major|big)\s+steps?"
    r"|grew|evolved)\s+from\s+.+\s+to)\b",
    re.IGNORECASE,
)
