"""Surnames as the reading list writes them: particles kept ("van den Oord", "Le Cun"), and one key per person.

Pure functions. A surname keeps the particles before it, so "Aäron van den Oord" is "van den Oord"
and a citation "(van den Oord, 2017)" names him, not an "Oord". Two spellings of one surname share
a key ("LeCun" and "Le Cun", "van den Oord" and "Van den Oord" at the start of a sentence, "O’Neil"
and "O'Neil"): citations and bare names are matched to the list's authors by key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Lowercase, these always belong to the surname that follows ("de Freitas", "von Neumann").
PARTICLES = frozenset({"van", "von", "den", "der", "de", "del", "della", "des", "di", "da", "du", "dos", "le", "la"})
# Capitalised particles that may open a surname written without a given name ("Le Cun (1989)",
# "Von Neumann (1945)"). "Di", "Da" and "Du" stay out: as often given names ("Di He (2016)").
OPENING = frozenset({"Van", "Von", "Den", "Der", "De", "Del", "Della", "Des", "Dos", "Le", "La"})
_JOINED = re.compile(r"(Van|Von|De|Del|Di|Da|Du|Le|La)([A-Z][\w’'\-]+)")  # "LeCun", "DiCarlo"
_KEY_DROP = re.compile(r"[\W_]+")


def surname_in(words: Sequence[str], given_name: bool) -> str:
    """The surname at the end of a name's words, with the particles before it.

    A lowercase particle always belongs to it ("Nando de Freitas"). A capitalised one does when a
    given name comes before it ("Yann Le Cun") or another particle after it ("Van den Oord"); as the
    first of two words it does only where a name may come without a given name (``given_name`` is
    False, as in a citation: "Le Cun (1989)"), since an author written "Le Song" is Song.
    """
    if not words:
        return ""
    i = len(words) - 1
    while i > 0 and _joins(words, i - 1, given_name):
        i -= 1
    return " ".join(words[i:])


def _joins(words: Sequence[str], at: int, given_name: bool) -> bool:
    """Whether ``words[at]`` is a particle of the surname that starts at ``words[at + 1]``."""
    word = words[at]
    if word in PARTICLES:
        return True
    if word.lower() not in PARTICLES or not word[:1].isupper():
        return False
    return at > 0 or words[at + 1] in PARTICLES or (not given_name and word in OPENING and len(words) == 2)


def author_surname(name: str) -> str:
    """An author's surname as the front matter writes the name ("Léon Bottou" -> "Bottou").

    "George van den Driessche" -> "van den Driessche", "Yann Le Cun" -> "Le Cun"; an organisation
    written with a short capitalised tail keeps its first word ("DeepSeek AI" -> "DeepSeek").
    """
    parts = name.replace(",", " ").split()
    if len(parts) >= 2 and parts[-1].isupper() and len(parts[-1]) <= 3:
        return parts[0]
    return surname_in(parts, given_name=True)


def name_key(surname: str) -> str:
    """One key for the spellings of a surname: case, spaces and punctuation dropped ("Le Cun" -> "lecun")."""
    return _KEY_DROP.sub("", surname.casefold())


def spellings(surname: str) -> tuple[str, ...]:
    """The ways a text may write a surname: as given, with a particle opening a sentence, joined or split.

    "van den Oord" -> ("van den Oord", "Van den Oord"); "LeCun" -> ("LeCun", "Le Cun");
    "Le Cun" -> ("Le Cun", "LeCun").
    """
    out = [surname]
    words = surname.split()
    if len(words) > 1 and words[0] in PARTICLES:
        out.append(surname[0].upper() + surname[1:])
    if len(words) == 2 and words[0].lower() in PARTICLES and words[0][:1].isupper():
        out.append("".join(words))
    if m := _JOINED.fullmatch(surname):
        out.append(f"{m[1]} {m[2]}")
    return tuple(dict.fromkeys(out))
