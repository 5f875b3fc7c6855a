"""Papers put in the order a question asks for (``order.read_order`` reads it): pure, over aligned per-paper arrays.

``by_year`` and ``around`` turn an order into scores: the papers asked for come first, in the order asked for,
ahead of the rest, which keep their relevance order; ``matches`` and ``named_paper`` say which papers a topic or a
paper's name means; ``ties`` how strongly the graph ties each paper to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..index.record_store import KINDS
from .head import HEAD_DEPTH, level_floor
from .order import First, OrderReading
from .relation import Side
from .routes import Link, StoredLinks

MATCH_MARGIN = 2.0  # the papers that match a topic score within this much of the best (fused z-score units)...
MATCHES = 6  # ...among this many of the best...
WORDS_MARGIN = 3.0  # ...or hold every word of the topic and score within this much of the best
TIE_WEIGHT = 1.5  # what came before or after a paper: a citation of it counts 1.5 standard deviations of closeness,
TIME_WEIGHT = 0.5  # ...and being TIME_SCALE years away costs 0.5·ln 2 of one (the cost grows with the log of the gap)
TIME_SCALE = 10.0
TIE = {"cites": 1.0, "mentions": 0.5}  # how much an edge of each kind ties two papers
TIE_HOP = 0.5  # a tie through a paper in between counts half
TOPIC_WEIGHT = 0.25  # what came after a topic ("what superseded recurrent networks"): its relevance counts this much


def by_year(fused: np.ndarray, years: np.ndarray, first: First, rows: np.ndarray, nth: int = 1) -> np.ndarray:
    """Scores that put ``rows`` in year order (``first`` end first, relevance within a year) ahead of every other
    paper, which keep their relevance order below them; with ``nth`` ("the second oldest": 2), the paper at that
    place comes first, the ones it counted past right after it."""
    out = fused.astype(np.float64).copy()
    ok = rows[np.isfinite(fused[rows])]
    if not len(ok):
        return out
    key = years[ok] if first == "earliest" else -years[ok]
    ranked = ok[np.lexsort((-fused[ok], key))]
    if 1 < nth <= len(ranked):
        ranked = np.concatenate([ranked[nth - 1 : nth], ranked[: nth - 1], ranked[nth:]])
    top = float(np.max(out[np.isfinite(out)]))
    out[ranked] = top + 1.0 + np.arange(len(ranked), 0, -1, dtype=np.float64)
    return out


def as_asked(fused: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Scores that put ``rows`` first in the order given (a comparison's sides, as asked), ahead of every other paper,
    which keep their relevance order below them."""
    out = fused.astype(np.float64).copy()
    ok = rows[np.isfinite(fused[rows])]
    if not len(ok):
        return out
    top = float(np.max(out[np.isfinite(out)]))
    out[ok] = top + 1.0 + np.arange(len(ok), 0, -1, dtype=np.float64)
    return out


def past_the_end(reading: OrderReading, fused: np.ndarray, rows: np.ndarray) -> OrderReading:
    """``reading`` with how many of ``rows`` its order runs over when the place it asks for lies past them ("the fifth
    oldest paper on transformers" where three match): ``by_year`` then shows them in the order asked, and the label
    says there is no such place instead of naming one the results do not show."""
    count = int(np.isfinite(fused[rows]).sum())
    return replace(reading, matched=count) if reading.nth > count else reading


def matches(fused: np.ndarray, holding: np.ndarray | None = None) -> np.ndarray:
    """The papers that match the topic: at most ``MATCHES`` of the best, each within ``MATCH_MARGIN`` of the best
    score, and those that hold every word of the topic within ``WORDS_MARGIN`` of it ("the most recent paper on
    reinforcement learning" is one that says reinforcement learning, if less close in meaning). ``holding``: per
    paper, whether it holds every topic word."""
    ok = np.flatnonzero(np.isfinite(fused))
    if not len(ok):
        return ok
    best = float(fused[ok].max())
    top = ok[np.argsort(-fused[ok], kind="stable")[:MATCHES]]
    close = top[fused[top] >= best - MATCH_MARGIN]
    if holding is not None:
        close = np.union1d(close, ok[holding[ok] & (fused[ok] >= best - WORDS_MARGIN)])
    found: np.ndarray = close
    return found


def about(
    fused: np.ndarray,
    years: np.ndarray,
    holding: np.ndarray | None,
    owners: np.ndarray,
    authored: np.ndarray | None = None,
    headline: np.ndarray | None = None,
    by_name: bool = False,
) -> np.ndarray:
    """The papers an order over a topic runs over, each a paper's own record says is about it.

    When the topic names people, the papers they wrote (``authored``, per paper), if any: "the last Hinton paper" is
    AlexNet, not the VAE that cites him. Else the topic's ``matches``, less those older than the first paper that
    introduces it (``owners``: the papers whose own concepts the topic names, by position) unless the ranking puts
    them level with its best (within ``HEAD_SPREAD`` of the drop to the ``HEAD_DEPTH``-th). A paper before a topic's
    introduction only foreshadows it: Hubel and Wiesel's cat cortex (1959) says it later inspired convolutional
    networks, but "the oldest paper on convolutional networks" is LeCun's (1989), whose concept they are.

    When some of the best ranked papers (``head``) hold the topic in their own headline (``headline``, per paper:
    ``topical.headline_holds``), the matches are those, and others only when level with the best: a topic's words
    in a summary alone are a passing mention ("While CNNs compare adjacent pixels"). When the topic is who wrote the
    papers (``by_name``: ``topical.organisation``), the matches are those alone, however close another paper is:
    DeepSeek-R1 names OpenAI as a rival, level with OpenAI's own papers, and is no paper of theirs."""
    if authored is not None and (authored & np.isfinite(fused)).any():
        written: np.ndarray = np.flatnonzero(authored & np.isfinite(fused))
        return written
    close = _own(fused, matches(fused, holding), headline, by_name)
    introduced = np.intersect1d(close, owners)
    if not len(introduced):
        return close
    ok = np.flatnonzero(np.isfinite(fused))
    ranked: list[float] = np.sort(fused[ok])[::-1][:HEAD_DEPTH].tolist()
    level = fused[close] >= level_floor(ranked)
    kept: np.ndarray = close[level | (years[close] >= years[introduced].min())]
    return kept


def head(fused: np.ndarray) -> np.ndarray:
    """The positions of the ``HEAD_DEPTH`` best scored papers, best first: those whose records an order over a topic
    reads (``about``'s ``headline``), whatever the size of the list."""
    ok = np.flatnonzero(np.isfinite(fused))
    top: np.ndarray = ok[np.argsort(-fused[ok], kind="stable")[:HEAD_DEPTH]]
    return top


def _own(fused: np.ndarray, close: np.ndarray, headline: np.ndarray | None, alone: bool = False) -> np.ndarray:
    """The matches an order over a topic keeps (``about``): when any paper of the ranking's ``head`` holds the topic
    in its own headline, those papers and the matches level with the best; else ``close`` as it is. The whole head
    is read, not only the papers near the best: "Visualizing and Understanding Convolutional Networks" is a paper on
    convnets however far its score falls below LeCun's, which names them. ``alone``: those papers only."""
    top = head(fused)
    own = top[headline[top]] if headline is not None else top[:0]
    if not len(own):
        return close
    unread = np.setdiff1d(close, top)  # matches past the head, whose headlines were not read: not judged
    if alone:
        return np.union1d(own, unread)
    kept: np.ndarray = np.union1d(np.union1d(own, unread), close[fused[close] >= level_floor(fused[top].tolist())])
    return kept


def named_paper(
    fused: np.ndarray, years: np.ndarray, close: np.ndarray, holding: np.ndarray | None, named: dict[int, int]
) -> int:
    """The paper that the words naming a paper name, of their matches ``close`` (``matches``): of those that hold
    every word (``holding``, when any does), the earliest whose key concept the words name in full with the most
    words (``named``: row -> the words of the longest term named), else the best scored. "The perceptron" is
    Rosenblatt's (Minsky and Papert's book is named for it later), "the perceptrons book" theirs, "latent
    diffusion" Rombach's (an earlier paper names diffusion alone)."""
    if holding is not None and holding[close].any():
        close = close[holding[close]]
    sized = [(named[int(r)], int(r)) for r in close if int(r) in named]
    if sized:
        longest = max(n for n, _ in sized)
        return min((r for n, r in sized if n == longest), key=lambda r: (int(years[r]), -float(fused[r])))
    return int(close[np.argmax(fused[close])])


def around(
    fused: np.ndarray,
    near: np.ndarray,
    years: np.ndarray,
    anchor: int,
    side: Side,
    ties: dict[int, float],
    first: First | None,
    topical: float,
    nth: int = 1,
    tied_only: bool = False,
) -> np.ndarray:
    """Scores that put the papers on ``side`` of ``anchor`` in time ahead of the rest: by year when ``first`` says
    so (within a year, as below; the one at place ``nth`` first, as ``by_year`` puts it: "the third most recent
    paper before GANs"); else those the graph ties to it (``ties``, each 0-1), nearest to it in meaning (``near``:
    each paper's closeness to the anchor) and nearest in time first, and most relevant to the query (``fused``) by
    the weight ``topical``: 1 when the query says more than the paper's name, ``TOPIC_WEIGHT`` when the anchor is a
    topic ("what superseded recurrent networks"), else 0.

    A paper of the anchor's own year is on a side only when the graph says so (it cites the anchor, or is cited).
    With ``tied_only`` (a side said by a tie: "papers influenced by X, in chronological order") an order by year runs
    over the papers the graph ties to the anchor, when any lies on that side; the rest follow as above.
    """
    on_side = years < years[anchor] if side == "before" else years > years[anchor]
    for row in ties:
        on_side[row] = on_side[row] or years[row] == years[anchor]
    on_side[anchor] = False
    rows = np.flatnonzero(on_side & np.isfinite(fused))
    out = fused.astype(np.float64).copy()
    if not len(rows):
        return out
    gap = np.abs(years[rows] - years[anchor]).astype(np.float64)
    score = (
        _z(near)[rows]
        + TIE_WEIGHT * np.array([ties.get(int(r), 0.0) for r in rows])
        - TIME_WEIGHT * np.log1p(gap / TIME_SCALE)
    )
    if topical:
        score += topical * _z(np.where(np.isfinite(fused), fused, np.nan))[rows]
    top = float(np.max(fused[np.isfinite(fused)]))
    kin = rows[np.isin(rows, list(ties))] if tied_only and first is not None else rows
    if first is not None and (len(kin) == len(rows) or not len(kin)):  # by year, within a year the closest first
        out[rows] = score
        return by_year(out, years, first, rows, nth)
    out[rows] = score - score.min() + top + 1.0  # the side first; of it, the tied papers by year when asked
    return by_year(out, years, first, kin, nth) if first is not None else out


def _z(x: np.ndarray) -> np.ndarray:
    """``x`` standardised over its finite values (NaN and infinities count as the mean)."""
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.zeros(len(x))
    sd = float(x[ok].std()) or 1.0
    return np.where(ok, (x - float(x[ok].mean())) / sd, 0.0)


def ties(links: Sequence[Sequence[Link]], row: int) -> dict[int, float]:
    """How strongly the graph ties each paper to ``row`` along ``links`` (what it builds on, or what builds on it):
    a citation 1, a mention 0.5, and a second hop half the product of its two, the strongest route kept."""
    if isinstance(links, StoredLinks):
        return _stored_ties(links, row)
    out: dict[int, float] = {}
    for first in links[row]:
        near = TIE[first.kind]
        out[first.other] = max(out.get(first.other, 0.0), near)
        for second in links[first.other]:
            far = near * TIE[second.kind] * TIE_HOP
            out[second.other] = max(out.get(second.other, 0.0), far)
    out.pop(row, None)
    return out


def _stored_ties(links: StoredLinks, row: int) -> dict[int, float]:
    """``ties`` over the arrays a build stored, both hops at once: a paper cited by thousands has millions of
    second hops, which as ``Link`` objects took seconds. The same weights (products of powers of two, exact)."""
    start, values = np.asarray(links.others.start), np.asarray(links.others.values)
    lo, hi = int(start[row]), int(start[row + 1])
    first = values[lo:hi].astype(np.int64)
    near = edge_weights(links.kinds[lo:hi])
    begin, count = start[first].astype(np.int64), (start[first + 1] - start[first]).astype(np.int64)
    ends = np.cumsum(count)
    at = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(begin - (ends - count), count)
    far = np.repeat(near, count) * edge_weights(np.asarray(links.kinds)[at]) * TIE_HOP
    papers = np.concatenate([first, values[at].astype(np.int64)])
    strength = np.concatenate([near, far])
    keep = papers != row
    papers, strength = strongest(papers[keep], strength[keep])
    return dict(zip(papers.tolist(), strength.tolist(), strict=True))


def edge_weights(kinds: np.ndarray) -> np.ndarray:
    """Each stored edge's tie (``TIE``) from its kind's code in the index (``record_store.KINDS``)."""
    weight = np.array([TIE[kind] for kind in KINDS], dtype=np.float64)
    return weight[np.asarray(kinds, dtype=np.int64)]


def strongest(papers: np.ndarray, strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each paper of ``papers`` once (sorted) with the strongest of its ``strength`` values: the best route kept."""
    if not len(papers):
        return papers, strength
    order = np.argsort(papers, kind="stable")
    papers, strength = papers[order], strength[order]
    heads = np.flatnonzero(np.concatenate([[True], papers[1:] != papers[:-1]]))
    return papers[heads], np.maximum.reduceat(strength, heads)
