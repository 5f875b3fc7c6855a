"""Short plain-text renderings of the tools' records, for MCP clients that read only a tool's text.

The structured content is the record itself; these say the gist in a few lines (ids first, so a
model can pass them straight to ``get_paper`` or ``similar_papers``). Pure functions of the records.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.assistant_records import Answer, AnswerSource, Chain, ReadingList
from ..core.names import authors_line
from ..core.records import (
    EraPapers,
    Neighbour,
    NeighbourPage,
    PaperRecord,
    SearchHit,
    SearchResults,
    SimilarResults,
    Understood,
)
from ..corpus.venues import kind_of_work


def _reading(understood: Understood | None) -> str | None:
    """How the query was read, as ``understood`` says it (time, intent, names, order), or None when nothing was."""
    if understood is None:
        return None
    parts = [understood["time"]] if understood["time"] else []
    if understood["intent"] != "topic":
        parts.append(f"intent {understood['intent']}")
    if understood["names"]:
        parts.append("names " + ", ".join(understood["names"]))
    if understood["order"]:
        parts.append("order " + understood["order"]["label"])
    return "; ".join(parts) or None


def _ids(side: Sequence[Neighbour]) -> str:
    return ", ".join(f"{n['id']} ({n['year']})" for n in side) or "none"


def _more(side: Sequence[Neighbour], total: int) -> str:
    return f" (and {total - len(side)} more: paper_neighbours pages through them)" if total > len(side) else ""


def search_text(res: SearchResults) -> str:
    """A ranked answer: how the query was read, whether the list covers it, and one line (plus why) per paper."""
    n = len(res["results"])
    head = f"{n} paper{'' if n == 1 else 's'} for {res['query']!r} ({res['mode']}, index {res['index_version']})"
    lines = [head + ":"]
    if res["corrected_query"]:
        lines.append(f"searched as: {res['corrected_query']!r}")
    reading = _reading(res["understood"])
    if reading:
        lines.append(f"read as: {reading}")
    if res["no_match"]:
        lines.append(
            f"Nothing in the reading list seems to match this (confidence {res['confidence']:.2f}); the nearest papers:"
        )
    if not res["results"]:
        lines.append("no papers match these filters")
    for hit in res["results"]:
        lines.append(f"{hit['rank']}. {hit['id']}: {hit['title']} ({_published(hit)}) score {hit['score']:.3f}")
        if hit["why"]["sentence"]:  # a paper imported without a summary has none to quote
            lines.append(f"   why: {hit['why']['sentence']}")
    return "\n".join(lines)


def _published(hit: SearchHit | AnswerSource) -> str:
    """A hit's or a source's year, first author and kind of work when known: "2017, Vaswani et al., preprint"."""
    kind = kind_of_work(hit)
    return ", ".join(p for p in (str(hit["year"]), authors_line(hit["authors"], hit.get("et_al", False), 1), kind) if p)


def paper_text(rec: PaperRecord) -> str:
    """One paper: what it is, its question and summary, its concepts and its neighbourhood by id."""
    refs = rec["references"]
    concepts = "; ".join(c["name"] for c in rec["concepts"]) or "none"
    kind = kind_of_work(rec)
    known = ([f"kind: {kind}"] if kind else []) + [
        f"{name}: {rec.get(name)}" for name in ("venue", "doi", "arxiv", "url") if rec.get(name)
    ]
    return "\n".join(
        [
            f"{rec['id']}: {rec['title']} ({rec['year']})",
            f"authors: {authors_line(rec['authors'], rec.get('et_al', False))}",
            f"era: {rec['era_name']} ({rec['era']})",
            *known,
            f"question: {rec['question']}" if rec["question"] else "question: (none: an entry imported without one)",
            f"summary: {rec['summary']}" if rec["summary"] else "summary: (none yet)",
            f"concepts: {concepts}",
            f"builds on: {_ids(refs['cites'])}{_more(refs['cites'], refs['cites_total'])}",
            f"built upon by: {_ids(refs['cited_by'])}{_more(refs['cited_by'], refs['cited_by_total'])}",
            f"cites outside the list: {', '.join(x['ref'] for x in refs['external']) or 'none'}",
        ]
    )


def neighbours_text(page: NeighbourPage) -> str:
    """A page of one side of a paper's neighbourhood: which ties of how many, one line each."""
    label = "builds on" if page["side"] == "cites" else "built upon by"
    end = page["offset"] + len(page["results"])
    shown = f"{page['offset'] + 1}-{end}" if page["results"] else "none"
    lines = [f"{page['id']} {label}: {shown} of {page['total']}"]
    lines += [f"{n['id']}: {n['title']} ({n['year']}, {n['kind']}) “{n['evidence']}”" for n in page["results"]]
    return "\n".join(lines)


def similar_text(res: SimilarResults) -> str:
    """The papers closest in meaning to one paper, one line each."""
    lines = [f"{len(res['results'])} papers most like {res['id']} (index {res['index_version']}):"]
    lines += [
        f"{n}. {h['id']}: {h['title']} ({h['year']}) score {h['score']:.3f}" for n, h in enumerate(res["results"], 1)
    ]
    return "\n".join(lines)


def eras_text(eras: Sequence[EraPapers]) -> str:
    """The eras, one line each: id, years, name and how many papers."""
    return "\n".join(f"{e['id']} ({e['start']}-{e['end']}): {e['name']}, {len(e['papers'])} papers" for e in eras)


def answer_text(res: Answer) -> str:
    """A cited answer: its sentences with their numbered sources, or the refusal and the nearest papers."""
    if res["declined"]:
        lines = [f"The reading list does not seem to cover {res['query']!r} (confidence {res['confidence']:.2f})."]
        lines += [f"nearest: {p['id']}: {p['title']} ({p['year']})" for p in res["nearest"]]
        return "\n".join(lines)
    lines = [f"{s['text']} {s['citation']} [{s['source']}]" for s in res["sentences"]]
    lines += [f"note (not from the list): {note}" for note in res["notes"]]
    lines.append("sources:")
    lines += [f"[{s['number']}] {s['id']}: {s['title']} ({_published(s)})" for s in res["sources"]]
    lines.append("read in this order: " + ", ".join(f"{r['id']} ({r['year']})" for r in res["reading_order"]))
    return "\n".join(lines)


def reading_text(res: ReadingList) -> str:
    """What to read before or after one paper, in reading order, each with the words (or the nearness) that tie them."""
    ends = "a path ending at it" if res["direction"] == "before" else "a path starting from it"
    lines = [
        f"{res['id']} ({res['year']}): {res['total']} entries to read {res['direction']} it ({ends}); "
        f"the first {len(res['results'])}:"
    ]
    if res["results"] and all(r["tie"] == "time" for r in res["results"]):
        lines[0] += " nothing in the graph or near in meaning, so the papers nearest in time, not tied to it"
    for r in res["results"]:
        evidence = "; ".join(
            f"{h['kind']}: {h['evidence']}"
            if h["evidence"]
            else "nearest in time, no tie"
            if h["kind"] == "time"
            else f"similar in meaning ({h['similarity'] or 0:.2f})"
            for h in r["hops"]
        )
        how = "nearest in time" if r["tie"] == "time" else f"tied by {r['tie']}"
        lines.append(f"- {r['id']}: {r['title']} ({r['year']}) {how} — {evidence}")
    return "\n".join(lines)


def chain_text(res: Chain) -> str:
    """A chain from one paper to another: each step with how it ties to the one before; a step by meaning to a paper
    that is not near (its ``near``, as ``query.paths`` judged it) is said to be a gap, not a tie."""
    head = (
        f"a chain through the graph from {res['source']} to {res['target']}:"
        if res["found"]
        else f"the graph holds no chain from {res['source']} to {res['target']}; one that fills its gaps by meaning:"
        if res["sensible"]
        else f"the list holds no sensible chain from {res['source']} to {res['target']}: neither the graph nor papers "
        "near in meaning lead all the way; the closest it has (a step marked 'not near in meaning' is a gap):"
    )
    lines = [head]
    for s in res["steps"]:
        kind = "not near in meaning" if s["near"] is False else s["kind"]
        tie = "" if kind is None else f" [{kind}" + (f": {s['evidence']}" if s["evidence"] else "") + "]"
        lines.append(f"- {s['id']}: {s['title']} ({s['year']}){tie}")
    return "\n".join(lines)
