"""Which words mean yes and which mean no: the one list, for settings, search parameters and their schemas.

``read_flag`` reads one word in any case with white space around it; a face that needs more (a
setting left empty means no) says so where it reads.
"""

from __future__ import annotations

YES = ("true", "1", "yes", "on")
NO = ("false", "0", "no", "off")
FLAG_WORDS = (*YES, *NO)


def read_flag(text: str) -> bool | None:
    """True for a word of ``YES``, False for one of ``NO`` (any case, white space around), else None."""
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None
