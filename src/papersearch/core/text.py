"""How a typed word is compared with the list's spelling of it: lowercase, accents dropped.

One rule for every stage that lets a person type without accents: the corpus's vocabulary for
typo correction (``index.vocabulary``) and people's names (``core.names``); and one for comparing
names of eras, periods and concepts with a query (``plain_words``), which the index build and the
query's reading of time both use.
"""

from __future__ import annotations

import re
import unicodedata


def unaccented(text: str) -> str:
    """``text`` in lowercase without accents ("Hyvärinen" -> "hyvarinen", "Žídek" -> "zidek")."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def plain_words(text: str) -> str:
    """Lowercase letters, digits and spaces only ("Transformers & the Modern-Era" -> "transformers   the modern era"):
    how era names, nicknames and concept terms are compared with a query."""
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("&", " ")).strip()
