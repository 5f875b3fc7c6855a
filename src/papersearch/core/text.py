"""How a typed word is compared with the list's spelling of it: lowercase, accents dropped.

One rule for every stage that lets a person type without accents: the corpus's vocabulary for
typo correction (``index.vocabulary``) and people's names (``core.names``).
"""

from __future__ import annotations

import unicodedata


def unaccented(text: str) -> str:
    """``text`` in lowercase without accents ("Hyvärinen" -> "hyvarinen", "Žídek" -> "zidek")."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))
