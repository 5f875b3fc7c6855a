"""Query understanding: turn what a person typed into a plan the ranker follows, and can show back.

``make_plan`` is a pure function of the query and a ``PlanContext`` (what the index knows of its
people, concepts and time: read from the version's tables, made when it was built, or
``build_context`` over a list of records): the time the query asks about (``timewords``), its intent
(origin, history or a plain topic), the names it holds (authors of the list and names its summaries
cite, matched as names, not stemmed as words), and what is left to search for by meaning and words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..core.names import PARTICLES, name_key
from ..core.patterns import Gated
from ..core.records import EraRecord, GraphRecord, Intent, PaperRecord, Understood
from ..index.tokens import STOPWORDS, tokenize
from ..index.understanding import NAME_WEIGHT, SINGLE_LETTER, concept_terms, evidence_names, given_keys, paper_names
from .forms import Form, other_forms
from .intents import HISTORY, ORIGIN
from .order import LIST_WORDS, SEQUENCE_WORDS, THINGS, OrderReading, choice_sides, read_order
from .periods import ERA_WORD, Span
from .timewords import read_time
from .windows import TimeContext, TimeWindow
from .wording import ASIDES, ASKING, FILLER, INSTRUCTION, REQUESTS, TIME_JOINERS, without_contrast, without_instruction

# words that say where an order runs but not what about: "the last paper on the timeline", "the oldest among these"
SCOPE_WORDS = frozenset(["timeline", "chronology", "among"])
# words of courtesy, not of a topic: "the oldest one in the list pls" ("please", "thanks": wording.REQUESTS)
COURTESY_WORDS = frozenset(["pls", "plz", "thx", "thank", "ty", "cheers", "ta"])
# words that only stress an end of time: "the first ever paper", "the very oldest", "the single newest one"
STRESS_WORDS = frozenset(["ever", "very", "single", "absolute", "absolutely", "overall", "all", "time"])
WORD = Gated((), r"[^\W\d_][\w’'\-]*", re.UNICODE)
# a clause about the person asking, not about the papers: "I'm preparing a talk", "i'm a student,", "it's for my thesis"
ASKER = Gated(
    ("i", "we", "my", "our"),
    r"(?:^|(?<=[?.!;,:]))\s*(?:i['’]?m|i\s+am|i['’]?ve|i\s+have|i['’]?ll|i\s+will|i\s+was|we['’]re|we\s+are"
    r"|(?:(?:it['’]?s|it\s+is|this\s+is)\s+)?(?:for|in)\s+(?:my|our)|my|our)\b[^?.!;,:]*[?.!;,:]?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlanContext:
    """What query understanding needs from an index version: its tables (``index.understanding``), looked up
    per query, or the same held in memory (``build_context``)."""

    time: TimeContext
    names: Mapping[str, dict[int, float]]  # ``name_key`` of a surname -> {paper row: how strongly it is that person's}
    given: Container[str]  # ``name_key`` of the given names of the list's authors that are no one's surname
    english: Container[str]  # everyday English words (a surname that is one is a name only when it stands alone)
    concepts: Sequence[tuple[str, frozenset[str], int]] = ()  # (concept, stems of one of its terms, paper row)
    concepts_within: Callable[[frozenset[str]], Iterable[int]] = lambda _: ()  # positions in ``concepts`` of the
    # terms all of whose stems are among those given
    builds_on: Sequence[Iterable[int]] = ()  # paper row -> rows of the earlier entries it cites
    # the terms at some positions of ``concepts``, read together (a version's ``ConceptTable.rows``: a few
    # statements, not one item a paper); None: one item a position, as a list held in memory gives them
    concepts_at: Callable[[Sequence[int]], Sequence[tuple[str, frozenset[str], int]]] | None = None


@dataclass(frozen=True)
class QueryPlan:
    """How to rank one query."""

    text: str
    topic: str  # the query without its time words: what to search for by meaning and words
    window: TimeWindow | None
    intent: Intent
    names: tuple[str, ...]  # ``name_key``s into PlanContext.names
    shown_names: tuple[str, ...]  # as typed
    only_time: bool  # nothing but a time: list the papers of that time
    builds_on: Sequence[Iterable[int]] = ()  # an origin question follows these citations back (PlanContext)
    order: OrderReading | None = None  # an order in time: the oldest or newest first, or what came before/after
    unordered: str = ""  # the topic with the order's words left in (what to search for when the order is taken back)
    forms: tuple[Form, ...] = ()  # the terms the topic names that have another form ("cnn": "convolut")

    def without(self, parts: tuple[str, ...]) -> QueryPlan:
        """This plan less the parts a person took back ("time", "intent", "names", "order")."""
        plan = self
        if "time" in parts:
            plan = replace(plan, window=None, only_time=False, topic=plan.text)
        if "intent" in parts:
            plan = replace(plan, intent="topic", builds_on=())
        if "names" in parts:
            plan = replace(plan, names=(), shown_names=())
        if "order" in parts and plan.order is not None:
            plan = replace(plan, order=None, topic=plan.text if "time" in parts else plan.unordered or plan.topic)
        return plan

    def understood(self) -> Understood:
        w = self.window
        return {
            "years": [w.start, w.end] if w else None,
            "time": w.label if w else None,
            "intent": self.intent,
            "names": list(self.shown_names),
            "soft": True,
            "order": self.order.shown() if self.order else None,
        }


def build_context(
    records: Sequence[PaperRecord], eras: list[EraRecord], graph: GraphRecord, english: Container[str]
) -> PlanContext:
    """The names, given names, concepts and time facts of a list of records, held in memory: what a version's
    tables hold (``index.understanding``, by the same rules)."""
    row = {r["id"]: i for i, r in enumerate(records)}
    names, given = _people(records, graph, row)
    concept_years: dict[str, int] = {}
    concepts: list[tuple[str, frozenset[str], int]] = []
    for i, r in enumerate(records):
        for name, plain, stems in concept_terms(r):
            concept_years[plain] = min(concept_years.get(plain, r["year"]), r["year"])
            if stems:
                concepts.append((name, stems, i))
    years = [r["year"] for r in records] or [0]
    time = TimeContext(tuple(eras), min(years), max(years), concept_years)
    by_stem: dict[str, list[int]] = {}
    for position, (_, words, _) in enumerate(concepts):
        for stem in words:
            by_stem.setdefault(stem, []).append(position)
    index = {stem: tuple(positions) for stem, positions in by_stem.items()}

    def within(stems: frozenset[str]) -> list[int]:
        near = {position for stem in stems for position in index.get(stem, ())}
        return [position for position in sorted(near) if concepts[position][1] <= stems]

    builds_on = _builds_on(records, graph, row)
    return PlanContext(time, names, frozenset(given - set(names)), english, tuple(concepts), within, builds_on)


def _people(
    records: Sequence[PaperRecord], graph: GraphRecord, row: dict[str, int]
) -> tuple[dict[str, dict[int, float]], set[str]]:
    """Who each paper names: its authors, the outside works its summary cites, and the authors of an entry it
    refers to whom the edge's evidence names; with the given names of the list's authors."""
    names: dict[str, dict[int, float]] = {}
    given: set[str] = set()

    def add(key: str, paper: int, weight: float) -> None:
        slot = names.setdefault(key, {})
        slot[paper] = max(slot.get(paper, 0.0), weight)

    for i, r in enumerate(records):
        for key, weight in paper_names(r):
            add(key, i, weight)
        given.update(given_keys(r))
    for e in graph["edges"]:
        source, target = row.get(e["source"]), row.get(e["target"])
        if source is not None and target is not None:
            for key in evidence_names(records[target]["authors"], e["evidence"]):
                add(key, source, NAME_WEIGHT["cited"])
    return names, given


def _builds_on(records: Sequence[PaperRecord], graph: GraphRecord, row: dict[str, int]) -> tuple[tuple[int, ...], ...]:
    """Each paper row's earlier entries it cites: what an origin question follows back."""
    earlier: list[list[int]] = [[] for _ in records]
    for e in graph["edges"]:
        source, target = row.get(e["source"]), row.get(e["target"])
        if source is None or target is None:
            continue
        if e["kind"] == "cites" and records[target]["year"] <= records[source]["year"]:
            earlier[source].append(target)
    return tuple(tuple(sorted(set(rows))) for rows in earlier)


def concept_matches(topic: str, ctx: PlanContext) -> dict[int, tuple[str, float]]:
    """Papers whose concepts the query names in full (every word of one of the concept's terms).

    {paper row: (concept, 1.0)}. Naming part of a term is not enough: "deep networks" would
    name the "Deep Q-Network" and the "Deep Belief Network" alike (measured: docs/ranking.md).
    """
    out: dict[int, tuple[str, float]] = {}
    for name, _, row in _named(topic, ctx):
        out.setdefault(row, (name, 1.0))
    return out


def named_terms(topic: str, ctx: PlanContext) -> dict[int, int]:
    """Papers whose concepts the query names in full, each with how many words the longest term it names has:
    "latent diffusion" names Latent Diffusion in two words and a diffusion model in one."""
    out: dict[int, int] = {}
    for _, term, row in _named(topic, ctx):
        out[row] = max(out.get(row, 0), len(term))
    return out


def named_concepts(topic: str, ctx: PlanContext) -> list[tuple[str, int]]:
    """(concept, paper row) of each concept the topic names in full, once each: what it is a topic of."""
    return list(dict.fromkeys((concept, row) for concept, _, row in _named(topic, ctx)))


def _named(topic: str, ctx: PlanContext) -> list[tuple[str, frozenset[str], int]]:
    """(concept, term's stems, paper row) of every concept term the query names in full, in the context's order."""
    # only the terms within the query's words are looked at: the work follows the query, not the corpus
    positions = sorted(ctx.concepts_within(_stems(topic)))
    return list(ctx.concepts_at(positions)) if ctx.concepts_at is not None else [ctx.concepts[p] for p in positions]


@lru_cache(maxsize=16)
def _stems(topic: str) -> frozenset[str]:
    """The stems of ``topic``'s words, and its single letters; a query's candidates and scores both ask for them."""
    return frozenset(tokenize(topic)) | frozenset(SINGLE_LETTER.findall(topic.lower()))


def _content_words(text: str, asides: frozenset[str] = FILLER) -> list[str]:
    return [w for w in _words(text) if w.lower() not in asides]


@lru_cache(maxsize=16)
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text``; a query's reading asks for those of its topic three or four times."""
    return tuple(WORD.findall(text))


def _names(text: str, ctx: PlanContext, bare: bool) -> tuple[list[str], list[str]]:
    """(``name_key``s, as typed) of the words of ``text`` that name people of the list."""
    keys, shown = [], []
    words = list(WORD.finditer(text))
    joined = _particle_names(text, words, ctx)
    for i, m in enumerate(words):
        if i in joined:  # "Le Cun": one name with the word before or after it
            if joined[i]:
                keys.append(name_key(joined[i]))
                shown.append(joined[i])
            continue
        word = m.group()
        key = name_key(word)
        if key not in ctx.names:
            continue
        capitalised = word[:1].isupper() and m.start() > 0
        ordinary = key in ctx.english or len(key) < 4 or key in FILLER
        if bare or capitalised or not ordinary:
            keys.append(key)
            shown.append(word)
    return keys, shown


def _particle_names(text: str, words: list[re.Match[str]], ctx: PlanContext) -> dict[int, str]:
    """The names of the list a particle opens with the one or two words after it ("Yann Le Cun": "Le" alone is Quoc
    Le, "Cun" no one), where the last word alone names no one, by the index of each word they take: the first maps
    to the name as typed, the others to ""."""
    taken: dict[int, str] = {}
    for i, m in enumerate(words):
        if i in taken or m.group().casefold() not in PARTICLES:
            continue
        for n in (3, 2):  # the longest first: "van der Maaten" before "van der"
            if i + n > len(words) or name_key(words[i + n - 1].group()) in ctx.names:
                continue  # "van den Oord": the surname alone is the graph's key, read as it is
            if name_key(typed := text[m.start() : words[i + n - 1].end()]) in ctx.names:
                taken.update({i: typed} | {j: "" for j in range(i + 1, i + n)})
                break
    return taken


def make_plan(text: str, ctx: PlanContext) -> QueryPlan:
    """Read ``text``: its time, order, intent and names, and what remains to search for."""
    read = read_time(text, ctx.time)
    order = read_order(text)
    window = read
    if order is not None and window is not None and _overlap(window.spans, order.spans):
        window = None  # "the latest", "before the transformer": an order in time, not a window
    elif (
        order is not None
        and order.first is not None
        and window is not None
        and choice_sides(text, _topic(text, None, order.spans))
    ):
        window = None  # "between AlexNet and ResNet, which came first?": a choice of two papers, not the years between
    unordered = _topic(text, window, ())
    topic = (
        _topic(text, window, order.spans) if order is not None and order.spans else unordered
    )  # read once when alike
    recent_work = order is not None and order.listed_only and order.first == "latest"  # "the latest work on X"
    if order is not None and not order.compares:  # a comparison runs over the whole question, as typed
        timed = recent_work or (window is not None and not window.named)
        order, topic = _scope(order, topic, timed, ctx.names, _era_words(text, window))
        if order is None:  # "the latest work on language models": the time it names, read as one
            window = read
            unordered = topic = _topic(text, window, ()) if window is not None else unordered
        elif recent_work and order.over == "topic":  # the newest of the topic's papers of the time it names
            window = read
    words = _content_words(topic)
    bare = bool(words) and all((key := name_key(w)) in ctx.names or key in ctx.given for w in words)
    keys, shown = _names(topic, ctx, bare) if order is None or topic != order.anchor else ([], [])  # the anchor's
    asked = INSTRUCTION.match(text)  # "what should I read first about X": where to start, not who was first
    spans = (window.spans if window else ()) + (order.spans if order else ()) + (((0, asked.end()),) if asked else ())
    cues = _cut(text, spans)  # "the first AI winter"
    intent: Intent = "history" if HISTORY.search(cues) else "origin" if ORIGIN.search(cues) else "topic"
    named_words = {w.lower() for s, e in window.spans for w in WORD.findall(text[s:e])} if window else set()
    said = {w.lower() for w in _content_words(topic, ASIDES)}
    only_time = window is not None and not (said - named_words - {"first", "earliest"})
    return QueryPlan(
        text=text,
        topic=topic if topic.strip() else text,
        window=window,
        intent=intent,
        names=tuple(dict.fromkeys(keys)),
        shown_names=tuple(dict.fromkeys(shown)),
        only_time=only_time,
        builds_on=ctx.builds_on if intent == "origin" else (),
        order=order,
        unordered=unordered,
        forms=other_forms(ctx.concepts, ctx.concepts_within(_stems(topic))),
    )


def _topic(text: str, window: TimeWindow | None, cut: tuple[Span, ...]) -> str:
    """What ``text`` is about: less its time (unless named: an era's name also says what about) with the word that
    joins it ("in the 1980s"), the stretches ``cut``, and an instruction to the assistant ("explain ...")."""
    spans = list(cut) + (list(window.spans) if window is not None and not window.named else [])
    topic = text
    for start, end in sorted(_merged(spans), reverse=True):
        words = topic[:start].split()
        if len(words) > 1 and words[-1].lower() in ("the", "a", "an") and words[-2].lower() in TIME_JOINERS:
            words = words[:-2]  # "from the late 1980s"; "the 1998 world cup" keeps its article
        elif words and words[-1].lower() in TIME_JOINERS:
            words = words[:-1]
        topic = " ".join(words) + " " + topic[end:]
    return without_instruction(" ".join(topic.split()).strip(" ,;:-–"))


def _era_words(text: str, window: TimeWindow | None) -> frozenset[str]:
    """The words of ``text`` that name an era (``window.named``: "the deep learning era", "the backpropagation
    revolution"), and of the era's own name (``window.label``: "the backprop revolution" is read from "backprop"),
    lowercase, when ``text`` calls it an era (``periods.ERA_WORD``: "era", "revolution", "boom"); none for a time
    named otherwise, or by a topic alone ("the first paper on backpropagation" asks who did it first)."""
    if window is None or not window.named or not ERA_WORD.search(text):
        return frozenset()
    named = [text[s:e] for s, e in window.spans] + [window.label]
    return frozenset(w.lower() for part in named for w in WORD.findall(part))


def _scope(
    order: OrderReading,
    topic: str,
    timed: bool = False,
    people: Container[str] = (),
    era: frozenset[str] = frozenset(),
) -> tuple[OrderReading | None, str]:
    """Over what the order runs, and what is left to search for: with nothing asked but the order, the whole list
    (within the era the question names, ``era``: its words, "the last paper of the backpropagation revolution");
    with nothing asked but what came before or after a paper, the words that name that paper; "the first paper"
    with more asked is no order (an origin question reads it) unless the question names years (``timed``: "after
    2010, the first paper on images" asks for the first of that time, not for who did it first) or nothing but
    people of the list (``people``, by ``name_key``: "the first paper by Sutskever" is the first of theirs)."""
    if order.side is not None:  # what came before or after a paper: the asker's own clauses say nothing of it
        topic = " ".join(ASKER.compiled.sub(" ", topic).split()).strip(" ,;:-–") or topic
    said = {re.split(r"['’]", w.lower())[0] for w in _content_words(topic, ASIDES)}  # "you've got": "you"
    said = {w for w in said if w.rstrip("s") not in THINGS}
    rest = said - SCOPE_WORDS - STRESS_WORDS - LIST_WORDS - ASKING - REQUESTS - SEQUENCE_WORDS - STOPWORDS - era
    rest -= COURTESY_WORDS
    theirs = bool(rest) and all(name_key(w) in people for w in rest)
    if rest and order.listed_only and not timed and not theirs:
        return None, topic  # "the first paper on backprop": who did it first, an origin question
    if rest:  # what an order over a topic sets aside is no part of the topic ("real brains instead of artificial ones")
        return order, without_contrast(topic) if order.side is None else topic
    if order.side is not None:
        return order, order.anchor
    return replace(order, over="list"), topic


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _overlap(a: tuple[Span, ...], b: tuple[Span, ...]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _cut(text: str, spans: tuple[Span, ...]) -> str:
    for start, end in sorted(_merged(list(spans)), reverse=True):
        text = text[:start] + " " + text[end:]
    return text
