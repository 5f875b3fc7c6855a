"""Search parameters and their limits, defined and checked once for every face.

Each face builds one ``SearchRequest`` from its own input (command-line flags, a URL's query
parameters, an agent's tool arguments, Python keywords) with ``SearchRequest.check`` and passes it
whole; nothing between the face and the check names the parameters again. The check takes what a
person typed — text from a command line or a URL, or typed values — and either returns a clean
request or raises :class:`QueryError` naming the parameter, so ``papersearch ask -k abc`` and
``GET /search?k=abc`` say the same words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from .assistant_records import Direction
from .errors import QueryError
from .flags import read_flag
from .ids import ID_RULE, is_paper_id
from .records import SHOWN_NEIGHBOURS, EraRecord, Mode, Side

T = TypeVar("T")

MODES: tuple[Mode, ...] = ("hybrid", "dense", "lexical")
MAX_QUERY_CHARS = 500
MAX_K = 100
DEFAULT_K = 10
YEAR_MIN, YEAR_MAX = 1800, 2100
MAX_ERA_CHARS = 200
PLAN_PARTS = ("time", "intent", "names", "order")  # parts of query understanding a person can take back
# a reading path's direction: what a paper builds on, or what grew out of it
DIRECTIONS: tuple[Direction, ...] = ("before", "after")
DEFAULT_PATH_K = 8
MAX_CITE_IDS = 100  # papers one citation request names (a URL of 100 of the longest ids stays under 13 KB)
SIDES: tuple[Side, ...] = ("cites", "cited_by")  # a neighbourhood's sides, paged past their first SHOWN_NEIGHBOURS
MAX_OFFSET = 10**9  # where a page of a neighbourhood may start, at most (beyond any list's length)
SHOWN_CHARS = 40  # a value quoted in a message longer than this is described by its length instead
RULES = {  # parameter -> what it accepts, as every face says it
    "q": f"the query must be 1 to {MAX_QUERY_CHARS} characters of text",
    "k": f"k must be a whole number from 1 to {MAX_K}",
    "mode": f"mode must be one of {', '.join(MODES)}",
    "year_from": f"year_from must be a year from {YEAR_MIN} to {YEAR_MAX}",
    "year_to": f"year_to must be a year from {YEAR_MIN} to {YEAR_MAX}",
    "era": f"era must be an era id or name (or a unique part of one) of at most {MAX_ERA_CHARS} characters",
    "understand": "understand must be true or false",
    "ignore": f"ignore must be a comma-separated list of {', '.join(PLAN_PARTS)}",
    "direction": f"direction must be one of {', '.join(DIRECTIONS)}",
    "id": f"id must be a paper id: {ID_RULE}",
    "from": f"from must be a paper id: {ID_RULE}",
    "to": f"to must be a paper id: {ID_RULE}",
    "ids": f"ids must be 1 to {MAX_CITE_IDS} paper ids joined by commas, each {ID_RULE}",
    "side": f"side must be one of {', '.join(SIDES)}",
    "offset": f"offset must be a whole number from 0 to {MAX_OFFSET}",
    "limit": f"limit must be a whole number from 1 to {SHOWN_NEIGHBOURS}",
}
INVALID_CHARACTERS = "contains control or invalid characters"  # what every face says of text it cannot take
REFUSED_CATEGORIES = ("Cc", "Cs")  # control characters and lone surrogates: no text a person types holds them


@dataclass(frozen=True)
class SearchRequest:
    """One checked search, built once by a face and passed whole; also the key of the cache of recent answers."""

    query: str
    k: int = DEFAULT_K
    mode: Mode = "hybrid"
    year_from: int | None = None
    year_to: int | None = None
    era: str | None = None  # an era id, resolved
    understand: bool = True  # read time, intent, names and order from the query (query/plan.py)
    ignore: tuple[str, ...] = ()  # parts of that reading to leave out, from PLAN_PARTS

    @classmethod
    def check(
        cls,
        query: object,
        eras: Sequence[EraRecord] = (),
        /,
        *,
        k: object = DEFAULT_K,
        mode: object = "hybrid",
        year_from: object = None,
        year_to: object = None,
        era: object = None,
        understand: object = True,
        ignore: object = (),
    ) -> SearchRequest:
        """A request from values as a face received them; raises QueryError naming the first bad one.

        Each value may be text (a command line, a URL) or typed (Python, an agent's JSON): checking
        whatever arrives is this function's work, so the options are typed ``object`` and taken by
        keyword only. ``eras``: the index's eras, which ``era`` is resolved against.
        """
        q = check_query(query)
        k_ = check_k(k)
        if mode not in MODES:
            raise QueryError("mode", f"unknown mode {shown(mode)}; use one of {', '.join(MODES)}")
        lo, hi = check_year("year_from", year_from), check_year("year_to", year_to)
        if lo is not None and hi is not None and lo > hi:
            raise QueryError("year_from", f"the year range is backwards: year_from {lo} is after year_to {hi}")
        era_id = None
        if era is not None and era != "":
            if not isinstance(era, str) or len(era) > MAX_ERA_CHARS:
                raise QueryError("era", f"{RULES['era']}, not {shown(era)}")
            era_id = resolve_era(era, eras)
        return cls(q, k_, mode, lo, hi, era_id, check_flag("understand", understand), check_ignore(ignore))


def check_query(query: object) -> str:
    """The query with its whitespace collapsed; QueryError when it is empty, too long, not text, or holds a control
    character or a lone surrogate (``has_invalid_characters``)."""
    if not isinstance(query, str):
        raise QueryError("q", "the query must be text")
    q = " ".join(query.split())
    if not q:
        raise QueryError("q", "the query is empty; type a few words")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError("q", f"the query is {len(query)} characters; at most {MAX_QUERY_CHARS} are allowed")
    if has_invalid_characters(q):
        raise QueryError("q", f"the query {INVALID_CHARACTERS}")
    return q


def has_invalid_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (Cc) or a lone surrogate (Cs), which no face takes as text.

    Every other code point is text: one Python's Unicode tables do not know yet (Cn, like an emoji
    newer than them: ``cnn 🫨``) may be typed by a newer client, and private-use ones (Co) are
    someone's characters; both search as any word does. A printable text (``str.isprintable``: no C or Z category
    but the space) holds neither, and is answered without looking up each character's category.
    """
    return not text.isprintable() and any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in text)


def check_k(k: object) -> int:
    """How many results: a whole number from 1 to ``MAX_K``, given as a number or as text."""
    value = _whole(k)
    if value is None or not 1 <= value <= MAX_K:
        raise QueryError("k", f"{RULES['k']}, not {shown(k)}")
    return value


def check_year(name: str, year: object) -> int | None:
    """A year bound (None when absent): a whole number from ``YEAR_MIN`` to ``YEAR_MAX``."""
    if year is None or year == "":
        return None
    value = _whole(year)
    if value is None or not YEAR_MIN <= value <= YEAR_MAX:
        raise QueryError(name, f"{RULES[name]}, not {shown(year)}")
    return value


def check_flag(name: str, value: object) -> bool:
    """A yes/no parameter: a bool, or a word of ``core.flags`` as text (true/false, 1/0, yes/no, on/off)."""
    if isinstance(value, bool):
        return value
    flag = read_flag(value) if isinstance(value, str) else None
    if flag is None:
        raise QueryError(name, f"{RULES[name]}, not {shown(value)}")
    return flag


def check_ignore(value: object) -> tuple[str, ...]:
    """Parts of query understanding to leave out: a list of names or one comma-separated text."""
    if value is None or value == "":
        return ()
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or not all(isinstance(p, str) and p in PLAN_PARTS for p in parts if p):
        raise QueryError("ignore", f"{RULES['ignore']}, not {shown(value)}")
    return tuple(sorted({p for p in parts if p}))


def one_of(param: str, value: object, choices: tuple[T, ...], rule: str) -> T:
    """``value`` as the one of ``choices`` it equals (so typed as they are), or a :class:`QueryError` on ``param``
    saying ``rule`` and what was given."""
    for choice in choices:
        if value == choice:
            return choice
    raise QueryError(param, f"{rule}, not {shown(value)}")


def check_direction(value: object) -> Direction:
    """A reading path's direction: ``before`` (what a paper builds on) or ``after`` (what grew out of it)."""
    return one_of("direction", value, DIRECTIONS, RULES["direction"])


def lone_end_direction(end: Literal["from", "to"], direction: object = None) -> Direction:
    """The direction a reading path with one end means: a path *to* a paper is what to read before it, ending at
    it; a path *from* one is what grew out of it, starting there. ``direction`` may say the same (None: not
    given); the other way is a :class:`QueryError` naming ``direction``, never one of the two silently dropped."""
    meant: Direction = "before" if end == "to" else "after"
    if direction is not None and check_direction(direction) != meant:
        ending, other, way = ("ending", "from", "after") if end == "to" else ("starting", "to", "before")
        raise QueryError(
            "direction",
            f"a path {end} a paper is what to read {meant} it ({ending} at it), not {direction}; for what to read "
            f"{way} it, give it as the path's {other} end",
        )
    return meant


def check_side(value: object) -> Side:
    """A side of a neighbourhood: ``cites`` (what a paper builds on) or ``cited_by`` (what builds on it)."""
    return one_of("side", value, SIDES, RULES["side"])


def check_offset(value: object) -> int:
    """Where a page of a list starts: a whole number from 0 to ``MAX_OFFSET``."""
    start = _whole(value)
    if start is None or not 0 <= start <= MAX_OFFSET:
        raise QueryError("offset", f"{RULES['offset']}, not {shown(value)}")
    return start


def check_limit(value: object) -> int:
    """How long a page of a neighbourhood is: a whole number from 1 to ``SHOWN_NEIGHBOURS``."""
    length = _whole(value)
    if length is None or not 1 <= length <= SHOWN_NEIGHBOURS:
        raise QueryError("limit", f"{RULES['limit']}, not {shown(value)}")
    return length


def check_id(name: str, value: object) -> str:
    """A paper id given as a parameter (``id``, ``from``, ``to``): well formed by ``core.ids``' rule.

    Whether a paper has it is the searcher's to say (``NotFoundError``, the same words as an unknown id anywhere).
    """
    if not isinstance(value, str) or not is_paper_id(value):
        raise QueryError(name, f"{RULES[name]}, not {shown(value)}")
    return value


def check_id_list(name: str, value: object, most: int | None = MAX_CITE_IDS) -> tuple[str, ...]:
    """Paper ids given as ``name``: a list, or one text of ids joined by commas; each well formed by the id rule,
    at most ``most`` of them. Whether a paper has each id is the searcher's to say."""
    pieces = value.split(",") if isinstance(value, str) else value
    if not isinstance(pieces, list | tuple) or not pieces:
        raise QueryError(name, f"{RULES[name]}, not {shown(value)}")
    ids = tuple(check_id(name, p) for p in pieces)
    if most is not None and len(ids) > most:
        raise QueryError(name, f"{name} names {len(ids)} papers; at most {most} can be cited at once")
    return ids


SHOWN_NAME_CHARS = 40  # of a name no face takes, as an error quotes it back


def not_taken(name: str, where: str, takes: Collection[str], noun: str) -> QueryError:
    """The error for a ``noun`` (parameter, argument) named ``name`` that ``where`` does not take, in every face's
    words: "year: not a parameter of /search, which takes q, k, ..."."""
    listed = f"which takes {', '.join(takes)}" if takes else "which takes none"
    if not name:
        return QueryError("", f"a {noun} without a name is not one of {where}, {listed}")
    return QueryError(name[:SHOWN_NAME_CHARS], f"not a{'n' * (noun[0] in 'aeiou')} {noun} of {where}, {listed}")


def check_style_applies(fmt: str, style_given: bool) -> None:
    """A citation style is for formatted text alone: one given with another format is refused, not ignored."""
    if style_given and fmt != "text":
        raise QueryError("style", f"a style is for format text alone, not {fmt}; leave style out, or ask for text")


def resolve_era(era: str, eras: Sequence[EraRecord]) -> str:
    """An era id from its id, its name, or a unique part of either (case-insensitive)."""
    wanted = era.strip().lower()
    for e in eras:
        if wanted in (e["id"].lower(), e["name"].lower()):
            return e["id"]
    hits = [e for e in eras if wanted and (wanted in e["id"].lower() or wanted in e["name"].lower())]
    if len(hits) == 1:
        return hits[0]["id"]
    known = ", ".join(e["id"] for e in eras)
    raise QueryError("era", f"unknown era {era!r}; known eras: {known}")


def shown(value: object) -> str:
    """A value as a message quotes it back to its sender: its repr, or its length when it is long."""
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return f"a text of {len(value)} characters"
    return repr(value)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


def renamed(message: str, param: str, name: str) -> str:
    """``message`` with ``param``, the name it starts with (``q: ...``, ``from must be ...``), written ``name``."""
    if name != param and message.startswith((param + ":", param + " ")):
        return name + message[len(param) :]
    return message
