"""Why a paper matched: the sentence of its summary closest to the query, and the words and concepts shared."""

from __future__ import annotations

import json
import threading

import numpy as np

from ..core.records import PassageKind, Why
from ..index import lexical
from ..index.reader import IndexData

KEPT = 4096  # papers whose stems are kept
PaperWords = tuple[frozenset[str], list[tuple[str, frozenset[str]]], list[int]]


def query_stems(q: str) -> dict[str, str]:
    """The query's content words by stem: {stem: the word as typed}."""
    words = [w for w in lexical.TOKEN_RE.findall(q) if w.lower() not in lexical.STOPWORDS]
    return {s: w for w, s in zip(words, lexical.tokenize(" ".join(words)), strict=False)} if words else {}


class Explainer:
    """Builds ``Why`` records for one index version; each paper's stems are computed on first use, then kept (the
    ``KEPT`` most recent: a service of a large list would otherwise keep every paper it ever showed)."""

    def __init__(self, data: IndexData) -> None:
        self.data = data
        self._words: dict[int, PaperWords] = {}
        self._lock = threading.Lock()

    def _paper_words(self, paper_row: int) -> PaperWords:
        """A paper's stems, its concepts' stems and its summary's passage rows."""
        hit = self._words.get(paper_row)
        if hit is None:
            rec = self.data.records[paper_row]
            text = json.dumps([rec["title"], rec["question"], rec["summary"], rec["authors"]], ensure_ascii=False)
            concepts = [
                (c["name"], frozenset(lexical.tokenize(" ".join([c["name"], *c["aliases"]])))) for c in rec["concepts"]
            ]
            passages = [int(r) for r in self.data.paper_rows[paper_row] if self.data.passages[r][1] == "summary"]
            hit = (frozenset(lexical.tokenize(text)), concepts, passages)
            with self._lock:
                self._words[paper_row] = hit
                if len(self._words) > KEPT:
                    del self._words[next(iter(self._words))]  # the oldest kept
        return hit

    def why(self, q_stems: dict[str, str], paper_row: int, qvec: np.ndarray | None, best_row: int) -> Why:
        """The paper's sentence that best matches the query, and the query words and concepts it matched.

        ``q_stems``: the query's stems and the words they came from (``query_stems``).
        """
        doc_stems, concept_stems, passages = self._paper_words(paper_row)
        texts = self.data.passages
        sentence = ""
        if passages:
            if qvec is not None:
                sims = self.data.matrix[passages] @ qvec
                sentence = texts[passages[int(np.argmax(sims))]][2]
            else:
                overlaps = [len(set(lexical.tokenize(texts[r][2])) & set(q_stems)) for r in passages]
                sentence = texts[passages[int(np.argmax(overlaps))]][2]
        terms: list[str] = []
        for stem, word in q_stems.items():
            if stem in doc_stems and word.lower() not in {t.lower() for t in terms}:
                terms.append(word)
        concepts = [name for name, stems in concept_stems if stems & set(q_stems)]
        matched: PassageKind | None = texts[best_row][1] if best_row >= 0 else None  # type: ignore[assignment]
        return {"sentence": sentence, "terms": terms, "concepts": concepts, "matched_passage": matched}
