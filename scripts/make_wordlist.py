"""Write ``src/papersearch/data/english_zipf.txt``: everyday English words and how common each is.

    pip install wordfreq && python scripts/make_wordlist.py

Each line is a word and its Zipf frequency in wordfreq's English data (log10 of its uses per billion
words: "the" 7.7, "network" 5.0, "marathon" 4.2, "perceptron" 1.6), to one decimal (rounded down), sorted by word so
that a lookup is a binary search over the text (``query/english.py``): nothing is parsed at load, so a
one-shot query pays only for reading the file. Words as rare as ``MIN_ZIPF`` (about 3 uses per 10
million) and rarer are left out: the query side reads them as rare. Two uses read the table:

- the speller leaves everyday English alone ("keep", "head", "cleaning" are not typos of "deep",
  "read", "learning"): every alphabetic word of 4 letters or more with a Zipf frequency of at
  least 3.0 (a misspelling as common as "grammer", 2.7, stays correctable);
- the no-match decision weighs how much of a query's topic lies in words the list does not have.

Generated once and committed, so neither building nor querying needs wordfreq.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "papersearch" / "data" / "english_zipf.txt"
MIN_ZIPF = 2.5
WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")
HEADER = """\
# English words and their Zipf frequency (Zipf >= {zipf}), from wordfreq {version} by Robyn Speer:
# https://github.com/rspeer/wordfreq. Its data is licensed CC BY-SA 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/); this list is shared under the same licence.
# wordfreq includes data from Google Books Ngrams (http://books.google.com/ngrams), Wikipedia,
# the Leeds Internet Corpus, SUBTLEX, OpenSubtitles and others; see its README.
# One word a line, sorted, with its Zipf frequency to one decimal (rounded down). Regenerate with: python scripts/make_wordlist.py
"""


def main() -> int:
    import importlib.metadata

    import wordfreq

    zipf: dict[str, float] = {}
    for w in wordfreq.top_n_list("en", 400_000):
        if w.isascii() and WORD.fullmatch(w):
            z = wordfreq.zipf_frequency(w, "en")
            if z >= MIN_ZIPF:
                zipf[w] = z
    lines = [f"{w} {math.floor(z * 10 + 1e-9) / 10:.1f}" for w, z in sorted(zipf.items())]  # down: 2.96 is not 3.0
    header = HEADER.format(zipf=MIN_ZIPF, version=importlib.metadata.version("wordfreq"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} words to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
