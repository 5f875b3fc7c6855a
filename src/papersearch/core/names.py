"""People's names, one rule each: where a surname starts, its particles, and the key a person is found by.

Pure functions, used by every stage that names people: the corpus (a new entry's id), the graph
(citations and bare names matched to the list's authors), query understanding (the people a query
names) and answers (citations such as "(van den Oord & Vinyals, 2016)").

A surname keeps the particles before it, so "Aäron van den Oord" is "van den Oord" and a citation
"(van den Oord, 2017)" names him, not an "Oord". A name is read from the evidence it gives: an initial or
a comma before given names ("Li, X.") make a person, a word of organisations ("DeepSeek AI", "Google Brain")
an organisation, filed under its first word and cited whole. Every spelling of a name shares
one key (``name_key``): "LeCun", "Le Cun" and "le cun"; "Van den Oord" at the start of a sentence;
"O’Neil" and "O'Neil"; "Žídek" typed "zidek"; "Hinton’s".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .text import unaccented

# Lowercase, these always belong to the surname that follows ("de Freitas", "von Neumann", "ten Brink").
PARTICLES = frozenset(
    {"van", "von", "den", "der", "de", "del", "della", "des", "di", "da", "du", "dos", "le", "la", "ten"}
)
# Capitalised particles that may open a surname written without a given name ("Le Cun (1989)",
# "Von Neumann (1945)"). "Di", "Da" and "Du" stay out: as often given names ("Di He (2016)").
OPENING = frozenset(p.capitalize() for p in PARTICLES - {"di", "da", "du"})
# Organisations a name may open ("Google Brain", "Google DeepMind") or be ("OpenAI"): not a person, nor a concept.
ORGANISATIONS = frozenset({"DeepMind", "Google", "Microsoft", "OpenAI"})
# Capitalised words that are neither a person nor a concept: words that open sentences and clauses, and
# organisations; the graph (names) and the corpus (concepts) each add their own to these.
NOT_NAMED = ORGANISATIONS | frozenset(
    {
        "A",
        "After",
        "Also",
        "An",
        "As",
        "At",
        "By",
        "Even",
        "For",
        "If",
        "In",
        "Later",
        "On",
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


# Words that make an author entry an organisation wherever they stand ("Google Research", "Microsoft Research Asia",
# "Qwen Team"), compared without case; and those compared as written, since a person may be called so ("Weiwei Ai").
ORGANISATION_WORDS = frozenset(
    {w.casefold() for w in ORGANISATIONS}
    | {"labs", "research", "team", "group", "corporation", "laboratory", "laboratories", "institute", "university"}
    | {"consortium", "collaboration", "workshop", "foundation"}
    # Companies that publish in the field under their own name and a lab's ("Tencent ARC", "Meta FAIR", "Baidu Research").
    | {"alibaba", "amazon", "anthropic", "baidu", "facebook", "huawei", "meta", "nvidia", "salesforce", "tencent"}
)
ORGANISATION_MARKS = frozenset({"AI", "Inc", "Inc.", "Corp", "Corp.", "Ltd", "Ltd.", "LLC", "Lab"})
# What may follow a comma after a person's surname ("Henry Ford, Jr."): not a given name ("Li, Xiang").
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})
_ACRONYM = re.compile(r"[B-DF-HJ-NP-TV-Z]{3,}")  # three capitals or more without a vowel: no one's name ("NLP", "MLR")
_INITIAL = re.compile(r"[^\W\d_](?:\.|(?:\.?-[^\W\d_]\.?)+|\.[^\W\d_]\.)*\.?")  # "X.", "V", "J.-P.", "Z.F."


@dataclass(frozen=True)
class Name:
    """An author entry read: its given names, its surname with particles, a suffix ("Jr."); an organisation is its
    ``whole`` with no given names, filed under its first word."""

    given: tuple[str, ...]
    surname: str
    suffix: str = ""
    organisation: bool = False


def read_name(name: str) -> Name:
    """An author entry read from the evidence it gives, as the corpus writes it ("Given von Last, Jr.") or as a person
    may ("Last, Given"): an initial ("X.") or a comma before a given name make a person; an organisation's word
    anywhere ("AI", "Research", "Team", "Google") makes an organisation. "Li, X." is Li; "Wei LI" and "Andrew NG"
    are people; "DeepSeek AI", "Google Brain" and "IBM Research" are not."""
    head, _, tail = (p.strip() for p in name.partition(","))
    words, after = head.split(), tail.replace(",", " ").split()
    suffix = " ".join(after) if after and all(w.casefold() in SUFFIXES for w in after) else ""
    if _is_organisation(words + ([] if suffix else after)):
        return Name((), (words + after)[0], organisation=True)
    if not after and len(words) > 1 and words[-1].casefold() in SUFFIXES:  # "Henry Ford III"
        words, suffix = words[:-1], words[-1]
    if not after or suffix:  # "Given von Last" or "Given Last, Jr."
        surname = surname_in(words, given_name=True)
        return Name(tuple(words[: len(words) - len(surname.split())]), surname, suffix)
    own = [w for w in after if w.casefold() not in SUFFIXES]  # "Last, Given[, Jr.]"
    return Name(tuple(own), " ".join(words), " ".join(w for w in after if w.casefold() in SUFFIXES))


def is_organisation(name: str) -> bool:
    """Whether an author entry names an organisation ("DeepSeek AI", "Google Research"), not a person."""
    return read_name(name).organisation


def _is_organisation(words: Sequence[str]) -> bool:
    """Two words or more, none an initial, one of them an organisation's ("DeepSeek AI", "Google Brain") or an
    acronym no person's name is ("Baidu NLP", "Apple MLR"; "Andrew NG", "Wei LIU" are people)."""
    return (
        len(words) >= 2
        and not any(_INITIAL.fullmatch(w) for w in words)
        and any(w in ORGANISATION_MARKS or w.casefold() in ORGANISATION_WORDS or _ACRONYM.fullmatch(w) for w in words)
    )


def author_surname(name: str) -> str:
    """An author's surname as the front matter writes the name ("Léon Bottou" -> "Bottou").

    "George van den Driessche" -> "van den Driessche", "Yann Le Cun" -> "Le Cun", "Li, X." -> "Li", "Henry Ford, Jr."
    -> "Ford"; an organisation keeps its first word ("DeepSeek AI" -> "DeepSeek").
    """
    return read_name(name).surname


def cited_name(name: str) -> str:
    """An author as a citation names them: the surname with its particles, an organisation whole ("DeepSeek AI")."""
    if not name.split():
        return name
    read = read_name(name)
    return name.strip() if read.organisation else read.surname


def given_names(name: str) -> list[str]:
    """The words of an author's name before the surname ("Geoffrey E." of "Geoffrey E. Hinton", "X." of "Li, X.");
    an organisation has none."""
    return list(read_name(name).given)


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
