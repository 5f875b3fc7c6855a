"""Write ``src/papersearch/data/english_words.txt``: everyday English words the speller leaves alone.

    pip install wordfreq && python scripts/make_wordlist.py

A query word the corpus does not contain is a typo only if it is not an ordinary English word
("keep", "head", "cleaning" are not typos of "deep", "read", "learning"). The list is every
alphabetic ASCII word of 4 letters or more with a Zipf frequency of at least ``MIN_ZIPF`` in
wordfreq's English data (about once per 10 million words and up; a misspelling as common as
"grammer", 2.7, stays correctable). Generated once and committed, so neither building nor
querying needs wordfreq.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "papersearch" / "data" / "english_words.txt"
MIN_ZIPF = 3.0
HEADER = """\
# Everyday English words (Zipf frequency >= {zipf}), from wordfreq {version} by Robyn Speer:
# https://github.com/rspeer/wordfreq. Its data is licensed CC BY-SA 4.0
# (https://creativecommons.org/licenses/by-sa/4.0/); this list is shared under the same licence.
# wordfreq includes data from Google Books Ngrams (http://books.google.com/ngrams), Wikipedia,
# the Leeds Internet Corpus, SUBTLEX, OpenSubtitles and others; see its README.
# Regenerate with: python scripts/make_wordlist.py
"""


def main() -> int:
    import importlib.metadata

    import wordfreq

    words = sorted(
        {
            w
            for w in wordfreq.top_n_list("en", 200_000)
            if w.isascii() and w.isalpha() and len(w) >= 4 and wordfreq.zipf_frequency(w, "en") >= MIN_ZIPF
        }
    )
    header = HEADER.format(zipf=MIN_ZIPF, version=importlib.metadata.version("wordfreq"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
