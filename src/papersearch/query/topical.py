"""Whether a paper's own record is about a topic, or only mentions it: where the topic's words sit.

A paper is about a topic when one of its own headline fields (its title, its question, one of its concepts' names or
aliases) holds every word of the topic, or every word of a term of the concept the topic names ("CNNs" names LeCun's
Convolutional Neural Network, whose alias "convolutional network" Zeiler and Fergus's title holds). A topic's words
in a summary sentence alone are a passing mention: Bahdanau's "While CNNs compare adjacent pixels" is not a paper
about CNNs, nor Bottou's "learning algorithms such as perceptrons" one about perceptrons. An acronym typed in
capitals is held by a field that spells it out ("RL": DeepSeek-R1's title says "Reinforcement Learning").

A name typed with a capital that no headline of these records holds ("the newest OpenAI paper", "the first paper from
DeepMind") is who wrote a paper or where, not a topic: a paper is theirs when its summary names them and its authors
name no other organisation (DeepSeek-R1's summary names OpenAI as a rival; its authors are "DeepSeek AI"). Only the few
records an order runs over are read, never the list's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from ..core.names import is_organisation
from ..core.records import PaperRecord
from ..index.tokens import STOPWORDS, tokenize
from ..index.understanding import concept_terms
from . import scope
from .acronyms import ACRONYM

TYPED = re.compile(r"[^\W\d_][\w'’-]*")  # a word as typed


def carrying_words(text: str) -> list[str]:
    """The words of ``text`` that carry a topic: ``scope.topic_words`` of some weight ("the", "papers", "?" carry
    none). What a paper must hold, or a side of a choice name, to be about that topic."""
    return [w for w in scope.topic_words(text) if scope.weight(w) > 0]


def topic_stems(topic: str) -> frozenset[str]:
    """The stems of the words of ``topic`` that carry it (``carrying_words``)."""
    words = carrying_words(topic)
    return frozenset(tokenize(" ".join(words))) if words else frozenset()


def terms_of(owners: Iterable[tuple[str, PaperRecord]]) -> list[frozenset[str]]:
    """The stems of every term (name and aliases) of each concept the topic names: (concept name, its paper's
    record), as ``plan.named_concepts`` finds them."""
    return [stems for name, record in owners for concept, _, stems in concept_terms(record) if concept == name]


def own_fields(record: PaperRecord) -> list[frozenset[str]]:
    """The stems of each headline field of ``record``: its title, its question and each concept's name and alias."""
    texts = [record["title"], record["question"] or ""]
    return [frozenset(tokenize(t)) for t in texts if t] + [stems for _, _, stems in concept_terms(record)]


def headline_texts(record: PaperRecord) -> list[str]:
    """The text of each headline field of ``record`` (``own_fields``, as written)."""
    return [t for t in (record["title"], record["question"] or "") if t] + [
        term for c in record["concepts"] for term in (c["name"], *c["aliases"])
    ]


def acronyms(topic: str) -> dict[str, str]:
    """The stem of each word of ``topic`` typed as an acronym ("RL", "GANs"), with its initials ("rl", "gan")."""
    out: dict[str, str] = {}
    for word in TYPED.findall(topic):
        m = ACRONYM.match(word)
        if m and (stems := tokenize(word)):
            out[stems[0]] = m.group(1).lower()
    return out


def spells_out(text: str, initials: str) -> bool:
    """Whether ``text`` holds words in a row whose first letters are ``initials`` ("Reinforcement Learning" spells
    "rl"; a stop word between them is passed over: "Reinforcement Learning from Human Feedback" spells "rlhf")."""
    words = [w.lower() for w in TYPED.findall(text) if len(w) > 1]
    firsts = [w[0] for w in words if w not in STOPWORDS]
    return len(initials) > 1 and any(
        "".join(firsts[i : i + len(initials)]) == initials for i in range(len(firsts) - len(initials) + 1)
    )


def organisation(topic: str, records: Sequence[PaperRecord]) -> str | None:
    """The one word of ``topic`` that carries it, when it is a name typed with a capital (not an acronym) that no
    headline field of ``records`` holds: who wrote a paper or where ("OpenAI", "DeepMind", "Google"); else None."""
    words = carrying_words(topic)
    typed: list[str] = [w for w in TYPED.findall(topic) if w.lower() in words]
    if len(words) != 1 or len(typed) != 1 or not typed[0][:1].isupper() or ACRONYM.match(typed[0]):
        return None
    stem = frozenset(tokenize(typed[0]))
    if any(stem <= field for record in records for field in own_fields(record)):
        return None
    return typed[0]


def by_organisation(record: PaperRecord, name: str) -> bool:
    """Whether ``record`` is the work of the organisation ``name``: its authors name it, or its summary names it and
    its authors name no other organisation."""
    named = [a for a in record["authors"] if is_organisation(a)]
    if any(name.lower() in a.lower() for a in named):
        return True
    return not named and re.search(rf"\b{re.escape(name)}\b", record["summary"], re.IGNORECASE) is not None


def headline_holds(
    records: Sequence[PaperRecord], topic: str, terms: Sequence[frozenset[str]]
) -> tuple[np.ndarray, bool]:
    """Per record, whether its headline fields (``own_fields``) hold every stem of ``topic`` (``topic_stems``),
    each in one field or another ("the brain's neurons": Lettvin's title says brain, a concept of theirs neuron;
    an acronym held where a field spells it out: ``spells_out``), or one field every stem of one of ``terms`` (a
    concept's name or alias, said whole). A topic that names an ``organisation`` holds for the records that are its
    work (``by_organisation``). With it, whether the topic is such a name: who wrote the papers, not what they are
    about."""
    who = organisation(topic, records)
    if who is not None:
        return np.array([by_organisation(record, who) for record in records], dtype=bool), True
    stems, short = topic_stems(topic), acronyms(topic)
    wanted = [t for t in terms if t]
    out = np.zeros(len(records), dtype=bool)
    for i, record in enumerate(records):
        fields = own_fields(record)
        held = frozenset().union(*fields)
        spelt = {s for s, initials in short.items() if any(spells_out(t, initials) for t in headline_texts(record))}
        whole = bool(stems) and stems <= held | spelt
        out[i] = whole or any(term <= field for term in wanted for field in fields)
    return out, False
