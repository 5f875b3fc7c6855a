"""Find citations in a summary: "Fukushima (1980)", "(Srivastava, 2014; Hinton, 2012)", "Golik 2013".

Pure functions of text. Each citation keeps the surnames (with their particles: "(van den Oord,
2017)", "Le Cun (1989)"; see ``core.names``), the year and the words it came from; ``extract``
decides whether it names an entry of the list or a work outside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..core.names import NOT_NAMED, PARTICLES, surname_in

YEAR_RE = re.compile(r"(?<![\w\-.,])(?P<year>1[89]\d\d|20\d\d)(?P<suffix>[a-z])?(?![\w\-])")
NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w’'\-À-ÿ]*\.?|[A-Z]\.(?:[A-Z]\.)*)$")
# Capitalised words that start sentences or clauses, never names.
NOT_NAMES = NOT_NAMED | {
    "And",
    "But",
    "Google’s",
    "OpenAI’s",
    "Or",
}
LEAD_INS = re.compile(r"^(?:e\.g\.,?|see|cf\.|and|also)\s+", re.IGNORECASE)
OWN = "Own"  # stands for the citing entry's own first author
COMMON_WORD_SURNAMES = {"Senior", "Silver", "Long", "Ng"}
EVIDENCE_WORDS = 8  # a citation's evidence: at most this many words before its names, back to a clause break...
SHORTEST_CLAUSE = 12  # ...where a break closer than this many characters is passed over (it would leave a fragment)
NAMES_WINDOW = 160  # characters before a year tokenised for its names at first (all of them if the names go on)
POSSESSIVE_BEFORE = re.compile(r"[’']s\s$")  # "Hinton’s 1995 Wake-Sleep"
IN_BEFORE = re.compile(r"(?:^|\s)[Ii]n\s$")  # "in 2006, Hinton and Salakhutdinov show"
NAMES_AFTER = re.compile(r",\s+((?:[A-Z][\w’'\-]*\s*(?:and\s+)?)+)")
ITS_BEFORE = re.compile(r"(?:^|[\s(])its\s$")  # "its 1962 extension"
TAIL = 12  # characters that hold any match of the three patterns above (each ends the text, none is longer)


@dataclass(frozen=True)
class Citation:
    """A citation with a year found in a text."""

    start: int
    end: int
    authors: tuple[str, ...]  # surnames, first author first
    year: int
    suffix: str
    evidence: str
    self_description: bool = False  # "In 2005, Hinton shows ...": the entry describing its own work

    def ref(self, own: str) -> str:
        first = own if self.authors[0] == OWN else self.authors[0]
        return f"{first} {self.year}{self.suffix}"


def _tokens_back(text: str) -> list[tuple[int, str]]:
    """Split text into (start, token) pairs, treating ',' ';' '(' ')' as tokens."""
    return [(m.start(), m.group()) for m in re.finditer(r"[,;()]|[^\s,;()]+", text)]


def _surname_of(person: str) -> str:
    return surname_in(person.replace("et al.", "").split(), given_name=False)


def _split_people(group: str) -> list[str]:
    group = LEAD_INS.sub("", group.strip().strip(",").strip())
    group = group.replace(" et al.", "").replace(" et al", "")
    people = [p.strip() for p in re.split(r",\s*and\s+|,\s*|\s+and\s+", group) if p.strip()]
    out = []
    for p in people:
        words = p.split()
        while words and words[0] in NOT_NAMES:
            words.pop(0)
        if words:
            out.append(" ".join(words))
    return out


def _scan_names_back(text: str, end: int, allow_list: bool) -> tuple[int, str]:
    """The name group ending at ``end``: returns (start, group text); group is '' when none.

    The tokens are those of the last ``NAMES_WINDOW`` characters before ``end``, all of them only when the
    group may reach further back: tokenising the whole text before each year made a long summary's
    citations cost the square of its length.
    """
    lo = max(0, end - NAMES_WINDOW)
    while True:
        toks = [(lo + at, tok) for at, tok in _tokens_back(text[lo:end])]
        start, stop = _group_start(toks, end, allow_list)
        if lo == 0 or stop >= 3:  # the first tokens (the first may be cut by the window) were never read
            return start, text[start:end].strip()
        lo = 0


def _group_start(toks: list[tuple[int, str]], end: int, allow_list: bool) -> tuple[int, int]:
    """Where the name group of ``toks`` (the tokens before ``end``) starts, and the token the scan stopped at
    (it read none before the one two places earlier)."""
    i = len(toks) - 1
    start = end
    while i >= 0:
        pos, tok = toks[i]
        if tok in ("al.", "al") and i > 0 and toks[i - 1][1] == "et":
            start, i = toks[i - 1][0], i - 2
            continue
        if NAME_TOKEN.match(tok) or (tok in PARTICLES and start < end):
            if tok in NOT_NAMES:
                break
            start, i = pos, i - 1
            continue
        if allow_list and tok in ("and", ",") and start < end:
            # a comma right after "et al." ends the group: "Solla et al., John Hopfield (1987)"
            if tok == "," and i > 0 and toks[i - 1][1] in ("al.", "al"):
                break
            # keep going only if a name comes before the separator
            j = i - 1
            if j >= 0 and toks[j][1] in ("and", ","):
                j -= 1
            if j >= 0 and (NAME_TOKEN.match(toks[j][1]) or toks[j][1] in ("al.", "al")) and toks[j][1] not in NOT_NAMES:
                i -= 1
                continue
        break
    return start, i


def clause_before(text: str, pos: int, words: int = EVIDENCE_WORDS) -> int:
    """Start of a short evidence phrase ending at ``pos``: back to a clause break or ``words`` words."""
    seg_start = max(text.rfind(". ", 0, pos) + 2 if text.rfind(". ", 0, pos) >= 0 else 0, 0)
    for mark in (";", " — ", ": ", "(", ", "):
        k = text.rfind(mark, seg_start, pos)
        if k >= 0 and pos - k > SHORTEST_CLAUSE:
            seg_start = max(seg_start, k + len(mark))
    chunk = text[seg_start:pos]
    parts = chunk.split()
    if len(parts) > words:
        return pos - len(" ".join(parts[-words:])) - (len(chunk) - len(chunk.rstrip()))
    return seg_start


class _Group(NamedTuple):
    """The names a year citation gives, and the span of text they and the year take."""

    names: str  # '' when the year names no one
    start: int
    end: int
    self_description: bool = False


def find_citations(text: str) -> list[Citation]:
    """Every citation with a year in ``text`` (see the module docstring for the forms)."""
    out: list[Citation] = []
    for m in YEAR_RE.finditer(text):
        group = _names_of_year(text, m.start(), m.end())
        if not group.names:
            continue
        people = [OWN] if group.names == OWN else _split_people(group.names)
        surnames = tuple(s for s in (_surname_of(p) for p in people) if s)
        if (
            not surnames
            or surnames[0] in NOT_NAMES
            or not (surnames[0][0].isupper() or surnames[0].split()[0] in PARTICLES)
        ):
            continue
        evidence = _evidence(text, group.start, group.end)
        out.append(
            Citation(
                group.start, group.end, surnames, int(m["year"]), m["suffix"] or "", evidence, group.self_description
            )
        )
    return out


def _names_of_year(text: str, ys: int, ye: int) -> _Group:
    """The names the year at ``text[ys:ye]`` cites, by the form around it; the first form that fits decides."""
    pre, post = text[:ys], text[ye:]
    stripped, tail = pre.rstrip(), pre[-TAIL:]  # the forms before a year end with it: search its last characters
    if stripped.endswith("(") and post.startswith(")"):
        # "Fukushima (1980)", "Rumelhart, McClelland, and Hinton (1986)"
        start, names = _scan_names_back(text, len(stripped) - 1, allow_list=True)
        return _Group(names, start, ye + 1)
    if stripped.endswith(",") and _inside_parens(text, ys):
        # "(Srivastava, 2014; Hinton, 2012)", "(Ho and Salimans, 2022)", "(e.g., Papernot, 2017)"
        return _listed_in_parens(text, ys, ye, len(stripped) - 1)
    if possessive := POSSESSIVE_BEFORE.search(tail):
        # "Hinton’s 1995 Wake-Sleep algorithm", "Alan Turing’s 1950 imitation game"
        start, names = _scan_names_back(text, len(pre) - len(possessive.group()), allow_list=False)
        return _Group(names, start, ye)
    if IN_BEFORE.search(tail) and re.match(r",\s+[A-Z]", post):
        # "in 2006, Hinton and Salakhutdinov show": the entry describing its own work
        return _named_after(post, ys, ye)
    if ITS_BEFORE.search(tail):
        # "This paper and its 1962 extension": a later work of the entry's own authors
        return _Group(OWN, ys - 4, ye)
    if pre.endswith(" ") and stripped and NAME_TOKEN.match(re.split(r"[\s(]", stripped)[-1]):
        # "Golik 2013", "(Collobert 2002)", "Faster R-CNN, Ren 2015"
        start, names = _scan_names_back(text, len(stripped), allow_list=False)
        return _Group(names, start, ye)
    return _Group("", ys, ye)


def _listed_in_parens(text: str, ys: int, ye: int, comma: int) -> _Group:
    """The names before the comma at ``comma`` in a parenthesised list of citations, back to "(" or ";"."""
    seg_start = max(text.rfind("(", 0, ys), text.rfind(";", 0, ys)) + 1
    names = text[seg_start:comma]
    if "," in names.replace("et al.,", "et al.").replace("e.g.,", ""):
        names = names.rsplit(",", 1)[-1] if not re.search(r"\band\b", names) else names
    start = seg_start + (len(text[seg_start:]) - len(text[seg_start:].lstrip()))
    return _Group(names, start, ye)


def _named_after(post: str, ys: int, ye: int) -> _Group:
    """The capitalised names after "in <year>, ": "in 2006, Hinton and Salakhutdinov show"."""
    fm = NAMES_AFTER.match(post)
    if not fm:
        return _Group("", ys, ye)
    names = fm.group(1).strip()
    if names.split()[0] in NOT_NAMES:
        names = ""
    return _Group(names, ye + fm.start(1), ye + fm.end(1), self_description=True)


def _evidence(text: str, start: int, end: int) -> str:
    """The words a citation was read from, with the clause before it and a closing bracket it left open."""
    evidence = text[min(start, clause_before(text, start)) : end].strip(" ,;(")
    if evidence.count("(") > evidence.count(")"):
        evidence += ")"
    return evidence


def _inside_parens(text: str, pos: int) -> bool:
    return text.rfind("(", 0, pos) > text.rfind(")", 0, pos)
