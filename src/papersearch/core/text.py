"""How a typed word is compared with the list's spelling of it: lowercase, accents dropped.

One rule for every stage that lets a person type without accents: the corpus's vocabulary for
typo correction (``index.vocabulary``) and people's names (``core.names``); and one for comparing
names of eras, periods and concepts with a query (``plain_words``), which the index build and the
query's reading of time both use. Both keep their last few answers: a query's reading asks them of
the same words and names several times over.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_PLAIN = re.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=512)
def unaccented(text: str) -> str:
    """``text`` in lowercase without accents ("Hyvärinen" -> "hyvarinen", "Žídek" -> "zidek")."""
    if text.isascii():  # nothing to decompose: ASCII is its own NFKD form, and holds no accent
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=256)
def plain_words(text: str) -> str:
    """Lowercase letters, digits and spaces only ("Transformers & the Modern-Era" -> "transformers   the modern era"):
    how era names, nicknames and concept terms are compared with a query."""
    return _NOT_PLAIN.sub(" ", text.lower().replace("&", " ")).strip()
