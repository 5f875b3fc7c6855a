"""Extract cross-references from a summary: year citations, bare names and named concepts.

Pure functions of the papers. Three passes over each summary, each claiming the spans it uses:

1. citations with a year — "Fukushima (1980)", "(Srivastava, 2014; Hinton, 2012)",
   "Golik 2013", "Hinton’s 1995 Wake-Sleep", "in 2006, Hinton and Salakhutdinov show";
   one that is an entry's work (first author, year and any named co-authors agree) becomes an
   internal ``cites`` edge, anything else an external "Surname Year" reference;
2. a first author's surname without a year ("Hubel and Wiesel’s", "ideas of Bahdanau"): a
   ``cites`` edge when it names exactly one entry, or the one whose concept or year appears in the
   same sentence; otherwise left unresolved, never guessed;
3. a concept term of another entry: its named contribution ("CLIP", "the LSTM architecture") is a
   ``cites`` edge, a generic technique ("backpropagation", "a CNN") a weaker ``mentions`` edge.

Hand corrections from a paper's front matter (``edges: {add, remove}``) are applied last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .models import Edge, ExternalRef, Graph, Paper, surname

YEAR_RE = re.compile(r"(?<![\w\-.,])(?P<year>1[89]\d\d|20\d\d)(?P<suffix>[a-z])?(?![\w\-])")
NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w’'\-À-ÿ]*\.?|[A-Z]\.(?:[A-Z]\.)*)$")
PARTICLES = {"van", "den", "der", "de", "von", "da", "di", "le", "la"}
# Capitalised words that start sentences or clauses, never names.
NOT_NAMES = {
    "A",
    "An",
    "The",
    "This",
    "That",
    "These",
    "In",
    "On",
    "By",
    "While",
    "With",
    "After",
    "Also",
    "See",
    "Since",
    "Then",
    "Later",
    "Together",
    "Even",
    "Yet",
    "But",
    "And",
    "Or",
    "Over",
    "For",
    "As",
    "At",
    "If",
    "When",
    "Microsoft",
    "Google",
    "Google’s",
    "OpenAI",
    "OpenAI’s",
    "DeepMind",
}
LEAD_INS = re.compile(r"^(?:e\.g\.,?|see|cf\.|and|also)\s+", re.IGNORECASE)
SENTENCE_RE = re.compile(r"[^.!?]*(?:[.!?](?=\s|$)|$)")
OWN = "Own"  # stands for the citing entry's own first author
COMMON_WORD_SURNAMES = {"Senior", "Silver", "Long", "Ng"}
# Concepts whose names are ordinary vocabulary by now: a use of one is a mention, not a citation.


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
    words = [w for w in person.replace("et al.", "").split() if w]
    if not words:
        return ""
    i = len(words) - 1
    while i > 0 and words[i - 1] in PARTICLES:
        i -= 1
    return " ".join(words[i:])


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
    """The name group ending at ``end``: returns (start, group text); group is '' when none."""
    toks = _tokens_back(text[:end])
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
    return start, text[start:end].strip()


def _clause_before(text: str, pos: int, words: int = 8) -> int:
    """Start of a short evidence phrase ending at ``pos``: back to a clause break or N words."""
    seg_start = max(text.rfind(". ", 0, pos) + 2 if text.rfind(". ", 0, pos) >= 0 else 0, 0)
    for mark in (";", " — ", ": ", "(", ", "):
        k = text.rfind(mark, seg_start, pos)
        if k >= 0 and pos - k > 12:
            seg_start = max(seg_start, k + len(mark))
    chunk = text[seg_start:pos]
    parts = chunk.split()
    if len(parts) > words:
        return pos - len(" ".join(parts[-words:])) - (len(chunk) - len(chunk.rstrip()))
    return seg_start


def find_citations(text: str) -> list[Citation]:
    """Every citation with a year in ``text`` (see the module docstring for the forms)."""
    out: list[Citation] = []
    for m in YEAR_RE.finditer(text):
        ys, ye = m.start(), m.end()
        year, suffix = int(m["year"]), m["suffix"] or ""
        pre = text[:ys]
        post = text[ye:]
        group, gstart, gend, self_desc = "", ys, ye, False
        stripped = pre.rstrip()
        if stripped.endswith("(") and post.startswith(")"):
            # "Fukushima (1980)", "Rumelhart, McClelland, and Hinton (1986)"
            gstart, group = _scan_names_back(text, len(stripped) - 1, allow_list=True)
            gend = ye + 1
        elif stripped.endswith(",") and _inside_parens(text, ys):
            # "(Srivastava, 2014; Hinton, 2012)", "(Ho and Salimans, 2022)", "(e.g., Papernot, 2017)"
            seg_start = max(text.rfind("(", 0, ys), text.rfind(";", 0, ys)) + 1
            group = text[seg_start : len(stripped) - 1]
            if "," in group.replace("et al.,", "et al.").replace("e.g.,", ""):
                group = group.rsplit(",", 1)[-1] if not re.search(r"\band\b", group) else group
            gstart = seg_start + (len(text[seg_start:]) - len(text[seg_start:].lstrip()))
            gend = ye
        elif re.search(r"[’']s\s$", pre):
            # "Hinton’s 1995 Wake-Sleep algorithm", "Alan Turing’s 1950 imitation game"
            k = len(re.sub(r"[’']s\s$", "", pre))
            gstart, group = _scan_names_back(text, k, allow_list=False)
            gend = ye
        elif re.search(r"(?:^|\s)[Ii]n\s$", pre) and re.match(r",\s+[A-Z]", post):
            # "in 2006, Hinton and Salakhutdinov show"
            fm = re.match(r",\s+((?:[A-Z][\w’'\-]*\s*(?:and\s+)?)+)", post)
            if fm:
                group = fm.group(1).strip()
                if group.split()[0] in NOT_NAMES:
                    group = ""
                gstart, gend = ye + fm.start(1), ye + fm.end(1)
                self_desc = True
        elif re.search(r"(?:^|[\s(])its\s$", pre):
            # "This paper and its 1962 extension": a later work of the entry's own authors
            group, gstart, gend = OWN, ys - 4, ye
        elif pre.endswith(" ") and stripped and NAME_TOKEN.match(re.split(r"[\s(]", stripped)[-1]):
            # "Golik 2013", "(Collobert 2002)", "Faster R-CNN, Ren 2015"
            gstart, group = _scan_names_back(text, len(stripped), allow_list=False)
            gend = ye
        if not group:
            continue
        people = [OWN] if group == OWN else _split_people(group)
        surnames = tuple(s for s in (_surname_of(p) for p in people) if s)
        if (
            not surnames
            or surnames[0] in NOT_NAMES
            or not (surnames[0][0].isupper() or surnames[0].split()[0] in PARTICLES)
        ):
            continue
        ev_start = min(gstart, _clause_before(text, gstart))
        evidence = text[ev_start:gend].strip(" ,;(")
        if evidence.count("(") > evidence.count(")"):
            evidence += ")"
        out.append(Citation(gstart, gend, surnames, year, suffix, evidence, self_desc))
    return out


def _inside_parens(text: str, pos: int) -> bool:
    return text.rfind("(", 0, pos) > text.rfind(")", 0, pos)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"[^.?!]+(?:[.?!]+(?=\s|$)|$)", text):
        if m.group().strip():
            spans.append((m.start(), m.end()))
    return spans or [(0, len(text))]


def _sentence_at(text: str, pos: int) -> str:
    for s, e in _sentences(text):
        if s <= pos < e:
            return text[s:e]
    return text


def _overlaps(spans: Iterable[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _term_regex(term: str, case_sensitive: bool) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w\-]){re.escape(term)}s?(?![\w\-])", flags)


def _is_generic(paper: Paper, concept_name: str) -> bool:
    for c in paper.concepts:
        if c.name == concept_name:
            return c.generic
    return False


@dataclass(frozen=True)
class _Term:
    text: str
    paper: Paper
    concept: str
    generic: bool
    regex: re.Pattern[str]


def _terms(papers: Sequence[Paper]) -> list[_Term]:
    """Every concept term of every paper; a term listed by several belongs to the earliest."""
    owner: dict[str, tuple[Paper, str, bool]] = {}
    for p in sorted(papers, key=lambda p: (p.year, p.id)):
        for c in p.concepts:
            for t in c.terms():
                # a single word matches as written ("Attention" is not "attention"); a phrase in any case
                key = t if " " not in t else t.lower()
                if len(t) >= 2 and key not in owner:
                    owner[key] = (p, c.name, c.generic)
    out = []
    for key, (p, name, generic) in owner.items():
        out.append(_Term(key, p, name, generic, _term_regex(key, case_sensitive=" " not in key)))
    out.sort(key=lambda t: -len(t.text))
    return out


def _resolve_citation(c: Citation, source: Paper, by_surname: dict[str, list[Paper]]) -> Paper | str | None:
    """The entry a citation names, None for an outside work, or "self" for the entry's own work."""
    for p in by_surname.get(c.authors[0], []):
        if p.year != c.year:
            continue
        authors = {surname(a) for a in p.authors}
        if not set(c.authors[1:]) <= authors:
            continue  # "Rumelhart, McClelland, and Hinton (1986)" is the PDP book, not the letter
        if p.id == source.id:
            return None if c.suffix else "self"
        return p
    return None


def extract(
    source: Paper, papers: Sequence[Paper], terms: list[_Term] | None = None
) -> tuple[list[Edge], list[ExternalRef]]:
    """The internal edges and external references in ``source``'s summary."""
    text = source.summary
    by_surname: dict[str, list[Paper]] = {}
    for p in papers:
        by_surname.setdefault(p.first_author_surname, []).append(p)
    own_names = {surname(a) for a in source.authors}
    claimed: list[tuple[int, int]] = []
    edges: dict[str, Edge] = {}
    external: dict[str, ExternalRef] = {}

    def add(target: Paper, kind: str, evidence: str) -> None:
        if target.id == source.id:
            return
        old = edges.get(target.id)
        if old is None or (old.kind == "mentions" and kind == "cites"):
            edges[target.id] = Edge(source.id, target.id, kind, evidence)

    # 1. citations with a year
    for c in find_citations(text):
        claimed.append((c.start, c.end))
        if c.authors[0] == OWN:
            c = replace(c, authors=(source.first_author_surname,), suffix=c.suffix)
        hit = _resolve_citation(c, source, by_surname)
        if hit == "self" or (
            c.self_description and c.authors[0] in own_names and hit is None and c.year == source.year
        ):
            continue
        if isinstance(hit, Paper):
            add(hit, "cites", c.evidence)
        elif (ref := c.ref(source.first_author_surname)) not in external:
            external[ref] = ExternalRef(source.id, ref, c.evidence)

    # 2. a first author's surname without a year
    for name, candidates in by_surname.items():
        if len(name) < 3 or name in own_names:
            continue
        for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text):
            if _overlaps(claimed, m.start(), m.end()):
                continue
            sentence = _sentence_at(text, m.start())
            if name in COMMON_WORD_SURNAMES and sentence.lstrip().startswith(name):
                continue
            chosen = candidates
            if len(candidates) > 1:
                chosen = [
                    p for p in candidates if any(_term_regex(t, False).search(sentence) for t in p.concept_terms())
                ]
                if len(chosen) != 1:
                    chosen = [p for p in candidates if str(p.year) in sentence]
            if len(chosen) == 1:
                end = min(len(text), m.end() + 40)
                tail = text[m.end() : end]
                cut = re.search(r"[,.;—(]", tail)
                tail = tail[: cut.start()] if cut else tail.rsplit(" ", 1)[0]
                start = _clause_before(text, m.start(), 5)
                add(chosen[0], "cites", (text[start : m.end()] + tail).strip(" ,"))
                claimed.append((m.start(), m.end()))

    # 3. concept terms of other entries
    for term in terms if terms is not None else _terms(papers):
        for m in term.regex.finditer(text):
            if _overlaps(claimed, m.start(), m.end()):
                continue
            claimed.append((m.start(), m.end()))
            if term.paper.id == source.id:
                continue
            start = _clause_before(text, m.start(), 4)
            after = re.match(r"[^,.;()—]{0,30}(?=[\s,.;()—]|$)", text[m.end() :])
            evidence = (text[start : m.end()] + (after.group() if after else "")).strip(" ,")
            add(term.paper, "mentions" if term.generic else "cites", evidence)

    # hand corrections
    ids = {p.id: p for p in papers}
    for e in source.add_edges:
        if e.target in ids and e.target != source.id:
            edges[e.target] = Edge(source.id, e.target, e.kind, e.evidence)
    for target in source.remove_edges:
        edges.pop(target, None)
    return list(edges.values()), list(external.values())


def build_graph(papers: Sequence[Paper]) -> Graph:
    """The cross-reference graph of all papers."""
    terms = _terms(papers)
    graph = Graph()
    for p in papers:
        edges, external = extract(p, papers, terms)
        graph.edges.extend(edges)
        graph.external.extend(external)
    return graph
