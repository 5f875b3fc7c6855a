"""People's names, one rule each: where a surname starts, its particles, and the key a person is found by.

Pure functions, used by every stage that names people: the corpus (a new entry's id), the graph
(citations and bare names matched to the list's authors), query understanding (the people a query
names) and answers (citations such as "(van den Oord & Vinyals, 2016)").

A surname keeps the particles before it, so "Aäron van den Oord" is "van den Oord" and a citation
"(van den Oord, 2017)" names him, not an "Oord". An organisation written with a short capitalised
tail ("DeepSeek AI") is filed under its first word and cited whole. Every spelling of a name shares
one key (``name_key``): "LeCun", "Le Cun" and "le cun"; "Van den Oord" at the start of a sentence;
"O’Neil" and "O'Neil"; "Žídek" typed "zidek"; "Hinton’s".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .text import unaccented

# Lowercase, these always belong to the surname that follows ("de Freitas", "von Neumann", "ten Brink").
PARTICLES = frozenset(
    {"van", "von", "den", "der", "de", "del", "della", "des", "di", "da", "du", "dos", "le", "la", "ten"}
)
# Capitalised particles that may open a surname written without a given name ("Le Cun (1989)",
# "Von Neumann (1945)"). "Di", "Da" and "Du" stay out: as often given names ("Di He (2016)").
OPENING = frozenset(p.capitalize() for p in PARTICLES - {"di", "da", "du"})
# Capitalised words that are neither a person nor a concept: words that open sentences and clauses, and
# organisations; the graph (names) and the corpus (concepts) each add their own to these.
NOT_NAMED = frozenset(
    {
        "A",
        "After",
        "Also",
        "An",
        "As",
        "At",
        "By",
        "DeepMind",
        "Even",
        "For",
        "Google",
        "If",
        "In",
        "Later",
        "Microsoft",
        "On",
        "OpenAI",
        "Over",
        "See",
        "Since",
        "That",
        "The",
        "Then",
        "These",
        "This",
        "Together",
        "When",
        "While",
        "With",
        "Yet",
    }
)
_JOINED = re.compile(r"(Van|Von|De|Del|Di|Da|Du|Le|La)([A-Z][\w’'\-]+)")  # "LeCun", "DiCarlo"
_POSSESSIVE = re.compile(r"['’]s$")
_KEY_DROP = re.compile(r"[\W_]+")


def _words(name: str) -> list[str]:
    return name.replace(",", " ").split()


# the last word of an author entry that makes it an organisation, not a person ("Google Research", "OpenAI Team")
ORGANISATION_TAILS = frozenset(
    ["ai", "inc", "inc.", "labs", "lab", "research", "team", "group", "corporation", "corp", "corp.", "ltd", "llc"]
)


def is_organisation(name: str) -> bool:
    """Whether an author entry names an organisation ("DeepSeek AI", "Google Research"), not a person."""
    return _is_organisation(_words(name))


def _is_organisation(words: Sequence[str]) -> bool:
    """A name whose last word is a short capitalised tail ("DeepSeek AI") or a word organisations end with
    ("Research", "Labs"), not a person's."""
    return len(words) >= 2 and (
        (words[-1].isupper() and len(words[-1]) <= 3) or words[-1].lower() in ORGANISATION_TAILS
    )


def author_surname(name: str) -> str:
    """An author's surname as the front matter writes the name ("Léon Bottou" -> "Bottou").

    "George van den Driessche" -> "van den Driessche", "Yann Le Cun" -> "Le Cun"; an organisation
    keeps its first word ("DeepSeek AI" -> "DeepSeek").
    """
    words = _words(name)
    if _is_organisation(words):
        return words[0]
    return surname_in(words, given_name=True)


def cited_name(name: str) -> str:
    """An author as a citation names them: the surname with its particles, an organisation whole ("DeepSeek AI")."""
    words = _words(name)
    if not words:
        return name
    return name.strip() if _is_organisation(words) else author_surname(name)


def given_names(name: str) -> list[str]:
    """The words of an author's name before the surname ("Geoffrey E." of "Geoffrey E. Hinton"); an organisation has none."""
    words = _words(name)
    if _is_organisation(words):
        return []
    return words[: len(words) - len(author_surname(name).split())]


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


def name_key(name: str) -> str:
    """One key for the ways a name is written or typed: case, accents, a possessive, spaces and punctuation dropped.

    "Le Cun", "LeCun" and "le cun" -> "lecun"; "Hinton’s" -> "hinton"; "Žídek" -> "zidek".
    """
    return _KEY_DROP.sub("", _POSSESSIVE.sub("", unaccented(name).casefold()))


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


UNNAMED = re.compile(r"(?i)(?:over|and|plus)\s+\d+")  # "over 100 additional authors": a count, not a name


def named_authors(authors: Sequence[str], et_al: bool = False) -> tuple[list[str], bool]:
    """A record's authors that are names, and whether more go unnamed: its ``et_al``, or an entry that counts
    them ("over 100 additional authors", which a list may write among the names)."""
    names = [a for a in authors if not UNNAMED.match(a)]
    return names, et_al or len(names) != len(authors)


def authors_line(authors: Sequence[str], et_al: bool = False, most: int | None = None) -> str:
    """A record's (a paper's, a hit's, an answer's source's) ``authors`` as every face lists them: the names, the first
    ``most`` of them, then "et al." when more go unnamed (the record's ``et_al``, a count of unnamed authors) or
    unshown; "unknown authors" for none."""
    names, unnamed = named_authors(authors, et_al)
    shown = names if most is None else names[:most]
    if not shown:
        return "unknown authors"
    return ", ".join(shown) + (" et al." if unnamed or len(shown) < len(names) else "")
