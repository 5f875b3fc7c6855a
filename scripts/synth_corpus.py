"""Write a synthetic corpus of N paper-like entries for scale tests and benchmarks.

Usage: python scripts/synth_corpus.py N [--out DIR] [--seed S] [--from CORPUS] [--workers W] [--bulk]

The text is recombined from the real corpus: questions, titles and summary sentences are spliced
from pieces of real ones at their connecting words, real concept and author names are swapped for
synthetic ones, and each summary cites other synthetic entries the way the real summaries do
("Karovin (1987)", "(Teller, 2013; Osaki, 2014)", "ideas of Karovin", a named concept).
Everything about entry ``i`` (year, era, authors, concepts) is a function of ``(seed, i)``, so an
entry can cite entry ``j`` by recomputing ``j``'s header: files stream out one at a time, nothing
is held but each entry's era and year (3 bytes), and the same seed (and the same real corpus)
always writes the same bytes, with any number of worker processes. With ``--bulk`` the entries go
into one ``papers.jsonl`` (one paper a line, the same fields, read by the same checks) instead of a
Markdown file each: a million files is a folder no tool handles well.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from papersearch.core.models import Paper
from papersearch.corpus.files import BULK_FILE
from papersearch.corpus.load import ERAS_FILE, PAPERS_DIR, load_corpus
from papersearch.corpus.render import render_eras, slugify
from papersearch.graph.extract import build_graph

ROOT = Path(__file__).resolve().parents[1]
SENTENCE_END = re.compile(r"(?<=[a-z0-9)”’][.!?])\s+(?=[A-Z“(])")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CONNECTORS = (" that ", " which ", " by ", " to ", " and ", ", ", " with ", " for ", " in ", " of ")
TITLE_CONNECTORS = (" for ", " with ", " by ", " of ", " in ", " via ", " from ", ": ", " using ")
ONSETS = _words(
    "Bar Kov Lin Mor Sal Tan Vel Hal Dor Fen Gar Ish Jun Kar Lev Mar Nak Os Pet Ram Sor Tor Ul Van Wes Yam Zel Ber Cal Dev El Fal Gol Hen Ib Kel Lor Mel Nor Ol Pra Quin Rus Sten Tam Ur Vos Wil Xan Yor"
)
MIDDLES = _words("a e i o u an en in or ar el al is")
ENDINGS = _words("sky son berg ova ini ez ard ton ley mann ski ides oglu ura ami ek ov etti ier ano")
TASKS = [
    "image recognition",
    "machine translation",
    "speech recognition",
    "language modeling",
    "handwritten digit recognition",
    "object detection",
    "image generation",
    "protein structure prediction",
    "reinforcement learning",
    "sequence modeling",
    "question answering",
    "image captioning",
    "game playing",
    "view synthesis",
    "text classification",
]
CONCEPT_HEADS = [
    "Network",
    "Autoencoder",
    "Initialization",
    "Normalization",
    "Attention",
    "Memory",
    "Machine",
    "Descent",
    "Representation",
    "Transformer",
    "Encoder",
    "Regularization",
    "Embedding",
    "Model",
    "Estimator",
]


T = TypeVar("T")
# a piece of real text and where its real names are: (start, end, is_surname); found once, swapped per use
Fragment = tuple[str, tuple[tuple[int, int, bool], ...]]


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]  # random.choice, a few times faster


@dataclass(frozen=True)
class Vocabulary:
    """What the generator recombines, taken from the real corpus."""

    eras: tuple[tuple[str, int, int], ...]  # (id, start, end)
    era_weights: tuple[float, ...]
    given_names: tuple[str, ...]
    questions: dict[str, tuple[list[str], ...]]  # first word -> questions as word lists
    title_heads: dict[str, tuple[str, ...]]
    title_tails: dict[str, tuple[str, ...]]
    heads: dict[str, tuple[Fragment, ...]]  # connector -> sentence beginnings
    tails: dict[str, tuple[Fragment, ...]]  # connector -> sentence endings
    sentences: tuple[Fragment, ...]
    modifiers: tuple[str, ...]
    external: tuple[tuple[str, int], ...]  # (surname, year) of works outside the list


def _split(text: str, connectors: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(head, connector, tail) at every connector that leaves a few words on each side."""
    out = []
    for conn in connectors:
        for m in re.finditer(re.escape(conn), text):
            head, tail = text[: m.start()], text[m.end() :]
            if len(head.split()) >= 3 and len(tail.split()) >= 3:
                out.append((head, conn, tail))
    return out


def vocabulary(papers: tuple[Paper, ...], eras: list[tuple[str, int, int]]) -> Vocabulary:
    questions: dict[str, list[list[str]]] = {}
    for p in papers:
        words = p.question.rstrip("?").split()
        questions.setdefault(words[0], []).append(words)
    th: dict[str, list[str]] = {}
    tt: dict[str, list[str]] = {}
    for p in papers:
        for head, conn, tail in _split(p.title, TITLE_CONNECTORS):
            th.setdefault(conn, []).append(head)
            tt.setdefault(conn, []).append(tail)
    real_surnames = {p.first_author_surname for p in papers if len(p.first_author_surname) >= 3}
    terms = {t for p in papers for c in p.concepts for t in c.terms() if len(t) >= 3}
    alternation = "|".join(re.escape(t) for t in sorted(real_surnames | terms, key=len, reverse=True))
    names = re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w\-])")

    def fragment(text: str) -> Fragment:
        return text, tuple((m.start(), m.end(), m.group() in real_surnames) for m in names.finditer(text))

    sentences = [s for p in papers for s in SENTENCE_END.split(p.summary) if 6 <= len(s.split()) <= 60]
    heads: dict[str, list[Fragment]] = {}
    tails: dict[str, list[Fragment]] = {}
    for s in sentences:
        for head, conn, tail in _split(s, CONNECTORS):
            heads.setdefault(conn, []).append(fragment(head))
            tails.setdefault(conn, []).append(fragment(tail))
    modifiers = sorted(
        {w for p in papers for c in p.concepts for w in c.name.split()[:-1] if w[:1].isupper() and len(w) > 3}
    )
    graph = build_graph(papers)
    external = sorted(
        {(r.ref.rsplit(" ", 1)[0], int(r.ref.rsplit(" ", 1)[1][:4])) for r in graph.external if r.ref[-4:].isdigit()}
    )
    return Vocabulary(
        eras=tuple(eras),
        era_weights=tuple(float((end - start + 1) * (1 + i)) for i, (_, start, end) in enumerate(eras)),
        given_names=tuple(sorted({a.split()[0] for p in papers for a in p.authors if len(a.split()) > 1})),
        questions={k: tuple(v) for k, v in questions.items()},
        title_heads={k: tuple(v) for k, v in th.items()},
        title_tails={k: tuple(v) for k, v in tt.items()},
        heads={k: tuple(v) for k, v in heads.items() if k in tails},
        tails={k: tuple(v) for k, v in tails.items() if k in heads},
        sentences=tuple(fragment(s) for s in sentences),
        modifiers=tuple(modifiers),
        external=tuple(external),
    )


@dataclass(frozen=True)
class Header:
    """What other entries need to know about an entry to cite it."""

    index: int
    year: int
    era: str
    surname: str  # the first author's
    authors: tuple[str, ...]  # only the first author unless asked for all
    concepts: tuple[tuple[str, tuple[str, ...], bool], ...]  # (name, aliases, generic)


class Generator:
    def __init__(self, vocab: Vocabulary, n: int, seed: int) -> None:
        self.v, self.n, self.seed = vocab, n, seed
        self.connectors, self.question_words = tuple(vocab.heads), tuple(vocab.questions)
        self.title_connectors = tuple(vocab.title_heads)
        # years and eras for all entries up front (3 bytes each), so that choosing whom to cite is cheap
        rng = np.random.default_rng(seed)
        weights = np.array(vocab.era_weights) / sum(vocab.era_weights)
        self.era_of = rng.choice(len(vocab.eras), size=n, p=weights).astype(np.int8)
        spans = np.array([end - start + 1 for _, start, end in vocab.eras])
        self.year_offset = (rng.random(n) * spans[self.era_of]).astype(np.int16)

    def _rng(self, i: int, salt: int) -> random.Random:
        return random.Random((self.seed << 40) ^ (i << 4) ^ salt)

    def _surname(self, rng: random.Random) -> str:
        name = _pick(rng, ONSETS) + _pick(rng, MIDDLES)
        if rng.random() < 0.8:
            name += _pick(rng, ONSETS).lower()
        return name + _pick(rng, ENDINGS)

    def header(self, i: int, all_authors: bool = False) -> Header:
        rng = self._rng(i, 1)
        era, start, _ = self.v.eras[self.era_of[i]]
        family = self._surname(rng)
        authors = [f"{_pick(rng, self.v.given_names)} {family}"]
        m = self.v.modifiers
        concepts = []
        for _ in range(1 if rng.random() < 0.67 else 2):
            words = [_pick(rng, m), _pick(rng, CONCEPT_HEADS)]
            if rng.random() < 0.5:
                words.insert(0, _pick(rng, m))
            name = " ".join(words)
            acronym = "".join(w[0] for w in words).upper() + _pick(rng, ("", "", "-2", "++", "s"))
            aliases = (acronym, name.lower()) if rng.random() < 0.7 else (acronym,)
            concepts.append((name, aliases, rng.random() < 0.3))
        if all_authors:
            more = _pick(rng, (0, 1, 1, 2, 2, 3, 5))
            authors += [f"{_pick(rng, self.v.given_names)} {self._surname(rng)}" for _ in range(more)]
        return Header(i, start + int(self.year_offset[i]), era, family, tuple(authors), tuple(concepts))

    def _cited(self, rng: random.Random, me: Header, count: int) -> list[Header]:
        """Other entries to cite, earlier ones preferred (as in the real list)."""
        chosen: list[int] = []
        for _ in range(count):
            best = -1
            for _ in range(4):
                j = int(rng.random() * self.n)
                if j == me.index or j in chosen:
                    continue
                best = j
                if self.year(j) <= me.year:
                    break
            if best >= 0:
                chosen.append(best)
        heads = [self.header(j) for j in chosen]
        return [h for h in heads if h.surname != me.surname]

    def year(self, i: int) -> int:
        return self.v.eras[self.era_of[i]][1] + int(self.year_offset[i])

    def _swap(self, fragment: Fragment, rng: random.Random, me: Header, cited: list[Header]) -> str:
        """The fragment with real surnames replaced by this entry's, and some real concepts by synthetic ones."""
        text, spans = fragment
        if not spans:
            return text
        own = [c[0] for c in me.concepts]
        others = [c[0] for h in cited for c in h.concepts]
        out, last = [], 0
        for start, end, is_surname in spans:
            if is_surname:
                new = me.surname
            elif rng.random() < 0.6:
                continue  # a real concept name stays: ordinary vocabulary of the field
            else:
                new = _pick(rng, others) if others and rng.random() < 0.5 else _pick(rng, own)
            out += [text[last:start], new]
            last = end
        out.append(text[last:])
        return "".join(out)

    def _splice(self, rng: random.Random, me: Header, cited: list[Header]) -> str:
        conn = _pick(rng, self.connectors)
        head = self._swap(_pick(rng, self.v.heads[conn]), rng, me, cited)
        return head + conn + self._swap(_pick(rng, self.v.tails[conn]), rng, me, cited)

    def _citation_sentence(self, rng: random.Random, me: Header, cited: list[Header]) -> str:
        a = cited[0]
        concept = _pick(rng, me.concepts)[0]
        task = _pick(rng, TASKS)
        clause = self._swap(_pick(rng, self.v.tails[" that "]), rng, me, cited).rstrip(".")
        if len(cited) > 1:
            b = cited[1]
            refs = f"({a.surname}, {a.year}; {b.surname}, {b.year})"
            return _pick(
                rng,
                (
                    f"The {concept} combines {a.concepts[0][0]} with {b.concepts[0][0]} {refs} for {task}.",
                    f"Earlier attempts at {task} {refs} could not scale, but {me.surname} shows that {clause}.",
                ),
            )
        return _pick(
            rng,
            (
                f"Building on {a.surname} ({a.year}), {me.surname} shows that {clause}.",
                f"{me.surname} extends the {a.concepts[0][0]} of {a.surname} ({a.year}) to {task}.",
                f"Also see {a.surname} ({a.year}) for an early variant of this idea.",
                f"Inspired by the ideas of {a.surname}, the {concept} is applied to {task}.",
                f"Unlike earlier work on {task} (e.g., {a.surname}, {a.year}), {clause}.",
            ),
        )

    def paper(self, i: int) -> tuple[str, str]:
        """(file name, file text) of entry ``i``."""
        pid, me, title, question, summary = self._entry(i)
        return f"{pid}.md", _render(pid, me, title, question, summary)

    def bulk_line(self, i: int) -> str:
        """Entry ``i`` as one line of ``papers.jsonl`` (the fields of its Markdown file, and its summary)."""
        pid, me, title, question, summary = self._entry(i)
        fields = {"id": pid, "year": me.year, "title": title, "authors": list(me.authors), "era": me.era}
        fields["question"] = question
        fields["concepts"] = [
            {"name": name, **({"aliases": list(aliases)} if aliases else {}), **({"generic": True} if generic else {})}
            for name, aliases, generic in me.concepts
        ]
        fields["summary"] = summary
        return json.dumps(fields, ensure_ascii=False, separators=(", ", ": "))

    def _entry(self, i: int) -> tuple[str, Header, str, str, str]:
        """(id, header, title, question, summary) of entry ``i``."""
        me = self.header(i, all_authors=True)
        rng = self._rng(i, 2)
        cited = self._cited(rng, me, _pick(rng, (1, 1, 2, 2, 3)))
        words = _pick(rng, self.v.questions[_pick(rng, self.question_words)])
        other = _pick(rng, self.v.questions[words[0]])
        cut = rng.randint(2, max(2, min(len(words), len(other)) - 1))
        question = " ".join(words[:cut] + other[cut:])
        if rng.random() < 0.3:
            question = f"Can the {_pick(rng, me.concepts)[0].lower()} help with {_pick(rng, TASKS)}"
        conn = _pick(rng, self.title_connectors)
        title = _pick(rng, self.v.title_heads[conn]) + conn + _pick(rng, self.v.title_tails[conn])
        if rng.random() < 0.4:
            title = me.concepts[0][0] + conn + _pick(rng, self.v.title_tails[conn])
        sentences = [self._swap(_pick(rng, self.v.sentences), rng, me, cited)]
        sentences.append(self._citation_sentence(rng, me, cited) if cited else self._splice(rng, me, cited))
        for _ in range(rng.randint(1, 3)):
            sentences.append(self._splice(rng, me, cited))
        if rng.random() < 0.5:
            name, year = _pick(rng, self.v.external)
            sentences.append(f"The approach revisits {name} ({year}) in the light of {_pick(rng, TASKS)}.")
        if rng.random() < 0.3 and len(cited) > 2:
            sentences.append(f"The {cited[2].concepts[0][0]} is used throughout.")
        summary = " ".join(s if s.endswith((".", "?", "!")) else s + "." for s in sentences)
        slug = "-".join(slugify(title).split("-")[:3])
        pid = f"{me.year}-{slugify(me.surname)}-{slug}-{i:x}"
        return pid, me, title, question.rstrip("?") + "?", summary


def _q(text: str) -> str:
    """A YAML double-quoted scalar (the texts hold no control characters)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _render(pid: str, me: Header, title: str, question: str, summary: str) -> str:
    lines = ["---", f"id: {pid}", f"year: {me.year}", f"title: {_q(title)}", "authors:"]
    lines += [f"- {_q(a)}" for a in me.authors]
    lines += [f"era: {me.era}", f"question: {_q(question)}", "concepts:"]
    for name, aliases, generic in me.concepts:
        lines.append(f"- name: {_q(name)}")
        if aliases:
            lines.append("  aliases:")
            lines += [f"  - {_q(a)}" for a in aliases]
        if generic:
            lines.append("  generic: true")
    lines += ["---", summary, ""]
    return "\n".join(lines)


_worker: tuple[Generator, Path] | None = None


def _write_range(bounds: tuple[int, int]) -> int:
    assert _worker is not None
    gen, papers = _worker
    for i in range(*bounds):
        name, text = gen.paper(i)
        (papers / name).write_text(text, encoding="utf-8")
    return bounds[1] - bounds[0]


def _bulk_range(bounds: tuple[int, int]) -> str:
    assert _worker is not None
    gen, _ = _worker
    return "".join(gen.bulk_line(i) + "\n" for i in range(*bounds))


def write_corpus(
    n: int, out: Path, seed: int = 0, source: Path = ROOT / "corpus", workers: int = 1, bulk: bool = False
) -> Path:
    """Write ``n`` entries (and the real corpus's eras) into ``out``; returns ``out``.

    Entry ``i`` depends only on ``(seed, i)``, so any number of worker processes writes the same files.
    ``bulk``: one ``papers.jsonl`` of every entry, in entry order, instead of a Markdown file each.
    """
    global _worker
    real = load_corpus(source)
    vocab = vocabulary(real.papers, [(e.id, e.start, e.end) for e in real.eras])
    papers = out / PAPERS_DIR
    papers.mkdir(parents=True, exist_ok=True)
    (out / ERAS_FILE).write_text(render_eras(real.eras), encoding="utf-8")
    _worker = (Generator(vocab, n, seed), papers)
    chunks = [(lo, min(n, lo + 2000)) for lo in range(0, n, 2000)]
    work = _bulk_range if bulk else _write_range
    with (out / BULK_FILE).open("w", encoding="utf-8") if bulk else open(os.devnull, "w") as fh:
        if workers <= 1 or n <= 2000:
            for c in chunks:
                done = work(c)
                fh.write(done if isinstance(done, str) else "")
        else:  # imap keeps the chunks in order: the bulk file is the same whatever the number of workers
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for done in pool.imap(work, chunks):
                    fh.write(done if isinstance(done, str) else "")
    _worker = None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of entries")
    ap.add_argument("--out", type=Path, help="output folder (default build/synth-N)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: one per core)")
    ap.add_argument("--from", dest="source", type=Path, default=ROOT / "corpus", help="the real corpus to draw from")
    ap.add_argument("--bulk", action="store_true", help=f"write one {BULK_FILE} instead of a Markdown file a paper")
    args = ap.parse_args(argv)
    out = args.out or ROOT / "build" / f"synth-{args.n}"
    if ((out / PAPERS_DIR).is_dir() and any((out / PAPERS_DIR).iterdir())) or (out / BULK_FILE).exists():
        print(f"error: {out} holds a corpus already; choose another --out", file=sys.stderr)
        return 1
    started = time.perf_counter()
    write_corpus(args.n, out, args.seed, args.source, args.workers, args.bulk)
    print(f"wrote {args.n} entries to {out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
