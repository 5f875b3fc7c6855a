"""Checks of one YAML value, shared by paper front matter and the eras list, in one wording.

Each check returns the value in the type the corpus needs, or a neutral default after appending
``Problem(file, field, "must be X, not Y ...")`` that names what it found and how to fix it.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from ..core.errors import Problem
from ..core.identifiers import arxiv_of, doi_of, is_url
from ..core.params import REFUSED_CATEGORIES, YEAR_MAX, YEAR_MIN
from .venues import TYPES_TEXT, csl_type_of, pages_of

SHOW_CHARS = 60  # a value quoted in a message is cut to this many characters
LAYOUT = "\t\n\r"  # the control characters a text may hold: they lay it out, and print as nothing else
CONTROL = "holds a control character"  # how every check words it, so a reader can find its own


def control_character(text: str) -> str:
    """The first control character (or lone surrogate) of ``text`` other than tab and line ends; "" if none.

    No text a person writes holds one (ESC, BEL...), and printed to a terminal it is a command: the
    corpus refuses them as every face refuses them in a query (``core.params.REFUSED_CATEGORIES``).
    """
    if text.isprintable():
        return ""
    return next((c for c in text if c not in LAYOUT and unicodedata.category(c) in REFUSED_CATEGORIES), "")


def control_problem(text: str) -> str:
    """The message for a text holding a control character, naming it; "" for a text without one."""
    found = control_character(text)
    return f"{CONTROL} (U+{ord(found):04X}); remove it" if found else ""


def show(value: Any, limit: int = SHOW_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a message never carries a megabyte of input."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kind_of(value: Any) -> str:
    """What a YAML value is, in a reader's words ("a list", "text", "a whole number")."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (str, "text"),
        (int, "a whole number"),
        (float, "a decimal number"),
        (list, "a list"),
        (dict, "a mapping"),
        ((datetime.date, datetime.datetime), "a date"),
    )
    return next((name for t, name in kinds if isinstance(value, t)), type(value).__name__)


def _not(value: Any) -> str:
    """ ", not a list" — plus how to write text that YAML read as something else."""
    hint = ""
    if isinstance(value, (list, dict)):
        hint = " (quote the text if it starts with '[' or '{' or holds ': ')"
    elif value is not None and not isinstance(value, str):
        hint = f" ({show(value)}; quote it to keep it as text)"
    return f", not {kind_of(value)}{hint}"


def as_text(value: Any, rel: str, field: str, problems: list[Problem], required: bool = True) -> str:
    """A stripped, non-empty text value; "" (and a problem when required or mistyped) otherwise."""
    if isinstance(value, str) and value.strip():
        bad = control_problem(value)
        if bad:
            problems.append(Problem(rel, field, bad))
            return ""
        return value.strip()
    if value is None or isinstance(value, str):
        if required:
            problems.append(Problem(rel, field, "missing or empty (required)"))
        return ""
    problems.append(Problem(rel, field, f"must be text{_not(value)}"))
    return ""


def as_year(value: Any, rel: str, field: str, problems: list[Problem]) -> int:
    """A whole-number year in the corpus's range; 0 and a problem otherwise."""
    if value is None:
        problems.append(Problem(rel, field, "missing (required)"))
    elif isinstance(value, bool) or not isinstance(value, int):
        hint = "; remove the quotes" if isinstance(value, str) and value.strip().isdigit() else ""
        problems.append(Problem(rel, field, f"must be a whole number such as 1989, not {show(value)}{hint}"))
    elif not YEAR_MIN <= value <= YEAR_MAX:
        problems.append(Problem(rel, field, f"{value} is outside {YEAR_MIN}–{YEAR_MAX}"))
    else:
        return value
    return 0


def as_text_list(value: Any, rel: str, field: str, problems: list[Problem], items: str = "texts") -> tuple[str, ...]:
    """A list of non-empty texts (``items`` names them in messages); () and a problem per fault otherwise."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem(rel, field, f"must be a list of {items}, one '- ' line each{_not(value)}"))
        return ()
    out: list[str] = []
    for j, entry in enumerate(value):
        if isinstance(entry, str) and entry.strip() and control_character(entry):
            problems.append(Problem(rel, f"{field}[{j}]", control_problem(entry)))
        elif isinstance(entry, str) and entry.strip():
            out.append(entry.strip())
        elif entry is None or isinstance(entry, str):
            problems.append(Problem(rel, f"{field}[{j}]", "empty; fill it in or remove the line"))
        else:
            problems.append(Problem(rel, f"{field}[{j}]", f"must be text{_not(entry)}"))
    return tuple(out)


def unknown_fields(
    mapping: dict[Any, Any], known: tuple[str, ...], rel: str, prefix: str, problems: list[Problem]
) -> None:
    """A warning for each key of ``mapping`` not in ``known`` (ignored, so a typo is seen but does not block)."""
    for key in sorted(str(k)[:SHOW_CHARS] for k in mapping if k not in known):
        problems.append(Problem(rel, f"{prefix}{key}", "unknown field (ignored)", "warning"))


def as_doi(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """An optional bare DOI ("10.1038/323533a0"); "" and a problem for anything else."""
    text = as_text(value, rel, field, problems, required=False)
    if text and doi_of(text) != text:
        hint = (
            f"write it as {doi_of(text)}"
            if doi_of(text)
            else "a DOI reads 10.<registrant>/<suffix>, such as 10.1038/323533a0"
        )
        problems.append(Problem(rel, field, f"{show(text)} is not a bare DOI; {hint}"))
        return ""
    return text


def as_arxiv(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """An optional arXiv id ("1706.03762", "hep-th/9901001", a version allowed); "" and a problem otherwise."""
    text = as_text(value, rel, field, problems, required=False)
    if text and arxiv_of(text) != text:
        found = arxiv_of(text)
        hint = f"write it as {found}" if found else "an arXiv id reads like 1706.03762 or hep-th/9901001"
        problems.append(Problem(rel, field, f"{show(text)} is not an arXiv id; {hint}"))
        return ""
    return text


def as_url(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """An optional http(s) address; "" and a problem otherwise."""
    text = as_text(value, rel, field, problems, required=False)
    if text and not is_url(text):
        problems.append(Problem(rel, field, f"{show(text)} is not a web address; write it as https://..."))
        return ""
    return text


MAX_NUMBER_CHARS = 40  # a volume or an issue ("15", "abs/1706.03762" is no volume: it is an arXiv id)


def as_type(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """An optional kind of work, read as an import reads one (``venues.csl_type_of``: CSL's names, and ``preprint``
    or ``manuscript`` for ``article``); "" and a problem naming them otherwise."""
    text = as_text(value, rel, field, problems, required=False)
    kind = csl_type_of(text)
    if text and not kind:
        problems.append(Problem(rel, field, f"{show(text)} is not a kind of work this list knows; use {TYPES_TEXT}"))
    return kind


def _whole_number(value: Any) -> str | None:
    """A whole number written bare in YAML or JSON (``volume: 15``, ``pages: 7``) as its text; None for anything else."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def as_number_text(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """An optional volume or issue: a whole number (``volume: 15``) or a short text ("15", "S1"); "" otherwise."""
    if (number := _whole_number(value)) is not None:
        return number
    text = as_text(value, rel, field, problems, required=False)
    if len(text) > MAX_NUMBER_CHARS or "\n" in text:
        problems.append(Problem(rel, field, f"{show(text)} is not a {field}; write it as it is printed, such as 15"))
        return ""
    return text


def as_pages(value: Any, rel: str, field: str, problems: list[Problem]) -> str:
    """Optional pages: a page or a range, written "1929-1958" ("1929--1958" and "1929–1958" read as that)."""
    if (number := _whole_number(value)) is not None:
        return number
    text = as_text(value, rel, field, problems, required=False)
    if not text:
        return ""
    pages = pages_of(text)
    if pages is None:
        problems.append(Problem(rel, field, f"{show(text)} is not a page or a range of pages; write it as 1929-1958"))
        return ""
    return pages


def as_flag(value: Any, rel: str, field: str, problems: list[Problem]) -> bool:
    """An optional true/false (absent: false); false and a problem for anything else."""
    if value is None or isinstance(value, bool):
        return bool(value)
    problems.append(Problem(rel, field, f"must be true or false, not {show(value)}"))
    return False
