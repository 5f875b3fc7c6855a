"""Which papers an answer must cite, and which it may not: the ranking's head, what an order asks for, and the
papers with no word of the question of their own.

An origin or history question cites its head, the first ranked paper and those the search scores level with it
(``head``); a question about order quotes the paper the order puts first and, for what came before or after a paper,
the level neighbours the graph ties to it (``asked_for``); a choice between two papers quotes both (``choice``); a
question about a person's work, the papers they wrote that the search puts level (``authored``). ``answer.compose``
cites them whatever their best sentence scores (docs/assistant.md, "The ranking's head"). A further paper behind the head that holds none of the question's
words but those of the first paper's own concept is not cited at all (``unearned``: "A sixth pass at sources"), nor,
for a plain topic, any paper the search ranks well behind the first (``behind``: "An eighth pass at sources").

Pure: functions of one search's results (and, for ``unearned``, the list's sentences and concepts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.names import author_surname, name_key
from ..core.records import Order, SearchResults, Understood
from ..index.reader import IndexData
from ..index.understanding import concept_terms
from .head import HEAD_DEPTH, level_floor
from .quotes import Sentences, topic_stems
from .scope import topic_words, weight

AUTHOR_PAPERS = 10  # a question about a person's work: the papers they wrote among this many, at most
PERSON_TOPIC = 2.0  # ...while the question's other words weigh less than this: one word rarer than zipf 4 is a topic
RELATED_PAPERS = 3  # what came before or after a paper: the first ranked, and those of this many the graph ties to it
AGREED_DEPTH = 2  # a topic's first paper both sides agree on: among this many best of each side's ranked scores


def level(results: SearchResults, papers: int) -> list[str]:
    """The ids of the best ``papers`` ranked, after the first, that the search puts level with it: each one's score
    lies within ``HEAD_SPREAD`` of the drop from the first to the ``HEAD_DEPTH``-th ranked paper.

    The drop to the tenth scales the gap to each query's own spread of scores (fused scores are z-scores, and a
    question about order shifts them all), so the same share reads a close head on any query, however worded.
    """
    hits = results["results"][:HEAD_DEPTH]
    if len(hits) < 2:
        return []
    floor = level_floor([h["score"] for h in hits])
    return [h["id"] for h in hits[1:papers] if h["score"] >= floor]


def head(results: SearchResults, papers: int) -> list[str]:
    """The ranking's head, by id: the first ranked paper and those of the best ``papers`` level with it (``level``).

    An origin or history question asks for its milestones, and the ranking, not how one sentence is worded, says
    which papers stand together at the top: the answer cites each of them.
    """
    hits = results["results"]
    return [hits[0]["id"], *level(results, papers)] if hits else []


def asked_for(results: SearchResults, order: Order | None, anchor_year: int | None = None) -> set[str] | None:
    """The papers a question about order asks for, by id, or None for any other question: the paper the order puts
    first ("the oldest paper", "the last paper before Minsky's book"); for what came before or after a paper, the
    first ranked on that side of it in time and the next best ranked papers (of ``RELATED_PAPERS``) on that side
    that the graph ties to it directly and the search puts level with the first (``level``): a tied neighbour far
    behind is no answer to what came before or after, and a paper on the other side of it none at all ("what came
    after AlexNet" quotes nothing older than AlexNet). ``anchor_year``: the year of the order's paper."""
    hits = results["results"]
    if order is None or not hits or (order["over"] in ("before", "after") and order["paper"] is None):
        return None
    if order["first"] is None and order["over"] not in ("before", "after"):  # a comparison: its sides' papers only
        return None
    if order["first"] is None:
        hits = [h for h in hits if on_side(order, h["year"], anchor_year)] or hits
    asked = {hits[0]["id"]}
    if order["first"] is None:
        close = set(level(results, RELATED_PAPERS))
        for hit in hits[1:RELATED_PAPERS]:
            tied = hit["neighbours"]["cites"] + hit["neighbours"]["cited_by"]
            if hit["id"] in close and any(n["id"] == order["paper"] for n in tied):
                asked.add(hit["id"])
    return asked


def on_side(order: Order, year: int, anchor_year: int | None) -> bool:
    """Whether a paper of ``year`` lies on the side of the order's paper (of ``anchor_year``) that a question of what
    came before or after it asks for (the same year counts on either side: the list orders papers by year alone)."""
    if anchor_year is None or order["over"] not in ("before", "after"):
        return True
    return year <= anchor_year if order["over"] == "before" else year >= anchor_year


def authored(results: SearchResults, names: tuple[str, ...], topic: str) -> set[str] | None:
    """The papers a question about a person's work asks for ("papers by Yoshua Bengio", "what did Hinton
    contribute?"), by id: those of the first ``AUTHOR_PAPERS`` ranked that the person it names wrote, when the first
    ranked is one of them and there are two or more; None otherwise. A topic beside the person ("Hinton's work on
    backpropagation": words weighing ``PERSON_TOPIC`` or more, ``scope.weight``) asks for that topic, and a given name
    typed ("Yoshua") leaves out another person of the surname (Samy Bengio)."""
    hits = results["results"][:AUTHOR_PAPERS]
    theirs = [h for h in hits if _theirs(h["authors"], names)]
    if len(theirs) < 2 or theirs[0] is not hits[0]:
        return None
    asked = topic_words(topic)
    person = {w for h in theirs for a in _theirs(h["authors"], names) for w in topic_words(a)}
    if sum(weight(w) for w in asked if w not in person) >= PERSON_TOPIC:
        return None
    given = {w for w in asked if w in person and w not in names}
    if given:
        theirs = [h for h in theirs if any(given & set(topic_words(a)) for a in _theirs(h["authors"], names))]
    return {h["id"] for h in theirs} if len(theirs) >= 2 else None


def plain_topic(understood: Understood | None) -> bool:
    """Whether a question asks for the paper that answers a topic: no time, person, order, origin or history, each
    of which asks for several papers (``agreed`` and ``behind`` judge only such a question)."""
    return (
        understood is not None
        and understood["intent"] == "topic"
        and understood["years"] is None
        and not understood["names"]
        and understood["order"] is None
    )


def agreed(results: SearchResults) -> list[str]:
    """The ids of the ranked papers (the best ``HEAD_DEPTH``) that both sides of the search put among their
    ``AGREED_DEPTH`` best, by meaning and by words, when a plain topic's first ranked paper is one of them; else none.
    Both sides name such a first paper, so it answers the question, with any other paper both name ("anderson
    associative memory": Kohonen's and Hinton's, first and second on each side). On topics nobody tuned for, further
    papers cited beside such a first paper were graded in 2 of 9, beside any other first paper in 6 of 13
    (docs/assistant.md, "Sources where the sides agree"). A question of time, a person, an order, an origin or a
    history asks for several papers, and words alone (no meaning) give no second opinion: neither is judged."""
    hits = results["results"][:HEAD_DEPTH]
    if not plain_topic(results["understood"]) or len(hits) < 2:
        return []
    dense = [h["scores"]["dense"] for h in hits]
    lexical = [h["scores"]["lexical"] for h in hits]
    meaning = [d for d in dense if d is not None]
    if len(meaning) < len(dense):
        return []
    both = [h["id"] for i, h in enumerate(hits) if max(_place(meaning, i), _place(lexical, i)) <= AGREED_DEPTH]
    return both if both and both[0] == hits[0]["id"] else []


def behind(results: SearchResults, papers: int) -> set[str]:
    """The ids of the best ``papers`` ranked, after the first, that the search does not put level with it (``level``)
    when the question is a plain topic (no origin or history to span, no order to follow); else none.

    Such a topic asks for the paper that answers it, and a paper the search puts well behind the first is a weak
    tie, not a second answer: of the five such papers cited on the tune half and on casual questions written for
    this, four were ungraded ("can features learned on one dataset be reused for a different task": Collobert's NLP
    paper, on "learn" and "task", beside Yosinski's) and the fifth, graded 2, was quoted instead of a grade-3 first
    paper (docs/assistant.md, "An eighth pass at sources").
    """
    hits = results["results"]
    if not plain_topic(results["understood"]) or len(hits) < 2:
        return set()
    close = set(level(results, papers))
    return {h["id"] for h in hits[1:papers] if h["id"] not in close}


def _names_a_concept_of(data: IndexData, paper: str, asked: set[str]) -> bool:
    """Whether the topic's stems ``asked`` name one of ``paper``'s concepts in full ("attention and transformers":
    Bahdanau's attention): the second thing a question names, not a weak tie, when both sides agree on the paper."""
    row = data.records.row_of(paper)
    return row is not None and any(t and t <= asked for _, _, t in concept_terms(data.records[row]))


def _place(scores: Sequence[float], at: int) -> int:
    """The place of ``scores[at]`` among ``scores``, 1 for the best (ties share the better place); a paper the side
    gives nothing (a lexical 0: no word of the question) has no place on it, however few others score."""
    own = scores[at]
    return 1 + sum(1 for s in scores if s > own) if own > 0.0 else len(scores) + 1


def _theirs(authors: list[str], names: tuple[str, ...]) -> list[str]:
    """The ``authors`` whose surname the question names (``name_key``s)."""
    return [a for a in authors if name_key(author_surname(a)) in names]


@dataclass(frozen=True)
class Choice:
    """A choice between two papers ("which came first, LSTM or the transformer?"), or a comparison of two ("the
    difference between GANs and VAEs"), as the search carried it out."""

    named: tuple[str, ...]  # the ids of the papers its sides name, in the order asked (the search ranks them first)
    unlisted: tuple[str, ...]  # the words of each side that names no paper of the list ("GloVe")
    compared: bool = False  # a comparison ("GANs vs VAEs"), no order in time asked


def choice(results: SearchResults) -> Choice | None:
    """The choice ``results`` answer, or None for any other question: the papers its sides name in the order the
    search ranks them (the order asked), and the words of each side that names none."""
    understood = results["understood"]
    order = understood["order"] if understood else None
    sides = order["choice"] if order else []
    if order is None or not sides:
        return None
    ids = {side["paper"] for side in sides if side["paper"]}
    named = tuple(h["id"] for h in results["results"][: len(ids)] if h["id"] in ids)
    unlisted = tuple(side["words"] for side in sides if side["paper"] is None)
    return Choice(named, unlisted, compared=order["first"] is None)


def unearned(data: IndexData, sentences: Sentences, results: SearchResults, topic: str, papers: int) -> frozenset[int]:
    """The rows of the best ``papers`` ranked, after the first and not level with it (``level``), whose summary
    sentences hold no word of ``topic`` of their own: none once the words of the first paper's concepts that the
    topic names in full are set aside. "Who invented GANs": the diffusion paper's sentence holds "GANs" only as the
    name of the GAN paper's concept, so it is no source beside it; a paper whose sentences match by meaning alone
    is none either. Empty when the topic holds no word of the list (a person's name alone: nothing to judge by).

    A plain topic (``behind``) sets aside every paper not level with the first, whatever its words, but one both
    sides agree on whose concept the topic names in full (the second thing it asks about); where both sides of the
    search agree on the first (``agreed``), every paper but those they agree on and level with it.
    """
    hits = results["results"][:papers]
    asked = set(topic_stems(topic))
    both = agreed(results)
    far = {i for i in behind(results, papers) if i not in both or not _names_a_concept_of(data, i, asked)}
    sure = [i for i in both if i not in far]
    if len(hits) >= 2 and sure:
        return frozenset(p for h in hits[1:] if h["id"] not in sure and (p := data.records.row_of(h["id"])) is not None)
    if far:
        return frozenset(p for h in hits if h["id"] in far and (p := data.records.row_of(h["id"])) is not None)
    if len(hits) < 2 or not sentences.weights(list(asked)):
        return frozenset()
    first = data.records.row_of(hits[0]["id"])
    named = [t for _, _, t in concept_terms(data.records[first]) if t and t <= asked] if first is not None else []
    own = asked.difference(*named)
    close = set(level(results, papers))
    out: set[int] = set()
    for hit in hits[1:]:
        p = data.records.row_of(hit["id"])
        if p is None or hit["id"] in close:
            continue
        if not any(own & stems for _, kind, stems in sentences.of(p) if kind == "summary"):
            out.add(p)
    return frozenset(out)
