"""Write N synthetic records in arXiv's metadata format (its bulk snapshot's JSON lines), for the import at scale.

Usage: python scripts/synth_arxiv.py N OUT [--bad LINE] [--seed S]

The texts are ``scripts/synth_corpus.py``'s (entry ``i``'s title, its question and summary as the
abstract, its authors); around them every field a snapshot line has (submitter, comments,
journal-ref, doi, categories, license, versions, update_date, authors_parsed). Years run 1992–2025,
each 12% more likely than the one before, as arXiv's catalogue grows; ids are new-style from 2007
(``1706.00042``) and old-style before (``cs/9901001``). A (title, year) already given, or one of the
real corpus's, is made distinct, since arXiv's titles are (nearly) all distinct. ``--bad LINE``: that
line's record has no authors, the one bad entry an import must name with its line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from papersearch.corpus.load import load_corpus
from synth_corpus import ROOT, Generator, vocabulary

YEARS = range(1992, 2026)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "stat.ML", "cs.AI", "cs.NE", "q-bio.NC", "cs.IR")
VENUES = ("NeurIPS", "ICML", "ACL", "CVPR")


def write_records(n: int, out: Path, seed: int = 0, bad: int = 0, source: Path = ROOT / "corpus") -> None:
    """``n`` arXiv metadata lines into ``out``; line ``bad`` (1-based; 0: none) has no authors."""
    real = load_corpus(source)
    gen = Generator(vocabulary(real.papers, [(e.id, e.start, e.end) for e in real.eras]), n, seed)
    rng = random.Random(seed + 7)
    weights = [1.12 ** (y - YEARS[0]) for y in YEARS]
    issued: dict[tuple[int, int], int] = {}
    seen = {(p.title.lower(), p.year) for p in real.papers}
    with out.open("w", encoding="utf-8") as fh:
        for i in range(n):
            entry = json.loads(gen.bulk_line(i))
            year, month = rng.choices(YEARS, weights)[0], rng.randint(1, 12)
            title = entry["title"]
            if (title.lower(), year) in seen:
                title = f"{title}: the {entry['concepts'][0]['name']}"
            if (title.lower(), year) in seen:
                title = f"{title}, part {i}"
            seen.add((title.lower(), year))
            k = issued[(year, month)] = issued.get((year, month), 0) + 1
            yymm = f"{year % 100:02d}{month:02d}"
            aid = f"{yymm}.{k:05d}" if year >= 2007 else f"cs/{yymm}{k:03d}"
            record = _record(rng, aid, year, month, title, entry)
            if i + 1 == bad:
                record["authors"], record["authors_parsed"] = "", []
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _record(rng: random.Random, aid: str, year: int, month: int, title: str, entry: dict[str, Any]) -> dict[str, Any]:
    """One snapshot line: the entry's texts and every other field arXiv gives."""
    authors: list[str] = entry["authors"]
    categories = " ".join(rng.sample(CATEGORIES, rng.randint(1, 3)))
    abstract = f"{entry['question']} {entry['summary']}".replace(". ", ".\n")
    return {
        "id": aid,
        "submitter": authors[0],
        "authors": ", ".join(authors),
        "title": title,
        "comments": f"{rng.randint(4, 40)} pages, {rng.randint(1, 12)} figures",
        "journal-ref": None if rng.random() < 0.7 else f"Proc. {rng.choice(VENUES)} {year}",
        "doi": None if rng.random() < 0.6 else f"10.{rng.randint(1000, 9999)}/{aid.replace('/', '.')}",
        "report-no": None,
        "categories": categories,
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": f"  {abstract}\n",
        "versions": [
            {"version": "v1", "created": f"Mon, {rng.randint(1, 28)} {MONTHS[month - 1]} {year} 10:00:00 GMT"}
        ],
        "update_date": f"{year}-{month:02d}-15",
        "authors_parsed": [[a.split()[-1], " ".join(a.split()[:-1]), ""] for a in authors],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of records")
    ap.add_argument("out", type=Path, help="the JSON lines file to write")
    ap.add_argument("--bad", type=int, default=0, metavar="LINE", help="this line's record has no authors")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.out.exists():
        print(f"error: {args.out} exists; choose another OUT", file=sys.stderr)
        return 1
    started = time.perf_counter()
    write_records(args.n, args.out, args.seed, args.bad)
    print(f"wrote {args.n} arXiv records to {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
