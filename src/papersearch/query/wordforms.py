"""Another form of a word the list holds: a longer stem its own stem begins, by an ending the stemmer does not know.

The stemmer joins a word's regular forms ("translate", "translation": "translat"), not those whose endings it does not
know ("handwriting": "handwrit"; "handwritten" stays whole). ``scope`` reads a word the list lacks as held in another
form (``forms``). Pure.
"""

from __future__ import annotations

import bisect

# another form of a word (``forms``): a stem the list lacks, this long or more, that begins a stem it holds which is
# longer by an ending of these many letters ("handwrit" and "handwritten", "strength" and "strengthen"); a single letter
# more is most often another word ("organis", "organism"), five or more a compound ("handwriting" is no "handwritingpad")
FORM_STEM = 6
FORM_ENDING = (2, 4)


def forms(stem: str, stems: list[str]) -> list[str]:
    """The stems of ``stems`` (sorted) that are other forms of a word of stem ``stem``: those it begins, longer by an
    ending of ``FORM_ENDING`` letters, when it is ``FORM_STEM`` letters long or more. The stemmer joins a word's
    regular forms ("translate", "translation": "translat"), not those whose endings it does not know ("handwriting":
    "handwrit"; "handwritten" stays whole)."""
    if len(stem) < FORM_STEM:
        return []
    low, high = FORM_ENDING
    found = []
    for at in range(bisect.bisect_right(stems, stem), len(stems)):  # read in place: a slice would copy the rest
        other = stems[at]
        if not other.startswith(stem):
            break
        if low <= len(other) - len(stem) <= high:
            found.append(other)
    return found
