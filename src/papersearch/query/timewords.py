"""Read a time out of a query: years, ranges, decades, relative words, eras by name or nickname.

Pure functions of the text and of what the index knows (its eras, its years, the year each
concept entered the list). ``read_time`` returns the window a person meant, a phrase that says
it back to them, and the stretches of the query it was read from, so the rest can be searched
for its topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.records import EraRecord

WORD_NUMBERS = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
# periods of AI history known by a nickname rather than by an era of this list
NICKNAMES = {
    "first ai winter": (1974, 1980),
    "second ai winter": (1987, 1993),
    "ai winter": (1974, 1980),
}
# words that name a stretch of an era's name ("the deep learning boom" is "The Deep Learning Explosion")
ERA_SYNONYMS = {"boom": "explosion", "revolution": "revolution", "age": "era", "explosion": "explosion"}
Span = tuple[int, int]
ERA_WORD = re.compile(r"\b(?:era|eras|age|period|boom|revolution|explosion|days|winter)\b", re.IGNORECASE)
DECADES = re.compile(  # "the 1940s and 50s", "1980s-90s": from the first decade to the end of the second
    r"\b(?P<a>(?:1[89]|20)\d0)s?\s*(?:and|to|-|–|through|or)\s*(?:the\s+)?['’]?(?P<b>(?:1[89]|20)?\d0)['’]?s\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TimeWindow:
    """Years a query asks about, how to say them back, and where in the query they were read."""

    start: int
    end: int
    label: str
    spans: tuple[Span, ...]  # where the time was read; removed from the topic unless ``named``
    named: bool = False  # an era or period by name: its words also say what the query is about


@dataclass(frozen=True)
class TimeContext:
    """What the index knows about time: its eras, its first and last year, when each concept appeared."""

    eras: tuple[EraRecord, ...]
    first: int
    last: int
    concept_years: dict[str, int]  # ``plain_words`` of a concept term -> year of the earliest entry that has it


MOD = r"(?P<mod>early|mid|middle|late)[\s-]*"
DECADE = re.compile(
    rf"(?:{MOD})?(?:the\s+)?(?:(?P<century>1[89]|20)(?P<tens>\d)0|['’]?(?P<short>[2-9]0))['’]?s\b"
    rf"|(?:{MOD.replace('mod', 'mod2')})?(?:the\s+)?(?P<word>{'|'.join(WORD_NUMBERS)})\b",
    re.IGNORECASE,
)
YEAR = r"(?:1[89]\d\d|20\d\d)"
RANGE = re.compile(
    rf"\b(?:between\s+|from\s+)?(?P<a>{YEAR})\s*(?:-|–|—|to|and|until|till|through)\s*(?P<b>{YEAR})\b", re.IGNORECASE
)
BOUND = re.compile(
    rf"\b(?P<dir>before|until|up\s+to|prior\s+to|pre|after|since|post|from)[\s-]+(?P<what>{YEAR}|[a-z][\w\- ]{{1,30}}?)"
    r"(?=$|[?.!,;]|\s+(?:and|about|on|in|for|with|that|which|papers?|work)\b)",
    re.IGNORECASE,
)
SAME_YEAR = re.compile(
    r"\b(?:(?:in\s+)?the\s+same\s+year\s+as|(?:in\s+)?the\s+year\s+(?:of|when)|when)\s+(?P<what>[a-z][\w\- ]{1,30}?)"
    r"(?:\s+(?:came\s+out|appeared|was\s+published|was\s+introduced|happened))?(?=$|[?.!,;])",
    re.IGNORECASE,
)
SINGLE = re.compile(rf"(?<![\d\-–])\b(?P<y>{YEAR})s?\b(?![\d\-–])")
SHORT_YEAR = re.compile(r"(?<![\w'’])['’](?P<yy>\d\d)\b(?!['’]?s\b)")  # "papers from '89" (not "the '80s")
RELATIVE = {
    "recent": "recent",
    "recently": "recent",
    "latest": "recent",
    "newest": "recent",
    "modern": "recent",
    "nowadays": "recent",
    "today": "recent",
    "early days": "early",
    "beginnings": "early",
    "oldest": "early",
    "most recent": "recent",
    "newer": "recent",
    "these days": "recent",
    "contemporary": "recent",
    "classic": "classic",
    "classical": "classic",
    "vintage": "classic",
    "old": "classic",
    "older": "classic",
}
COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
COUNTS |= {"nine": 9, "ten": 10, "few": 3, "couple": 2, "couple of": 2}
LAST = re.compile(
    r"\b(?:in\s+)?(?:the\s+)?(?:last|past|previous)\s+(?:(?P<n>\d{1,2}|"
    + "|".join(sorted(COUNTS, key=len, reverse=True))
    + r")\s+)?(?P<unit>years?|decades?)\b",
    re.IGNORECASE,
)
ONWARD = re.compile(
    rf"\b(?P<y>{YEAR})\s*(?:onwards?|and\s+(?:later|after|beyond)|or\s+later|\+|on(?=\s*(?:$|[?.!,;])))(?!\w)",
    re.IGNORECASE,
)
UNTIL = re.compile(rf"\b(?P<y>{YEAR})\s*(?:and|or)\s+(?:earlier|before)\b", re.IGNORECASE)
AROUND = re.compile(rf"\b(?:around|circa|c\.|about|approximately|roughly|~)\s*(?P<y>{YEAR})\b", re.IGNORECASE)
CENTURY = re.compile(r"\b(?:the\s+)?(?P<c>20th|21st|twentieth|twenty[\s-]first)[\s-]+century\b", re.IGNORECASE)
TURN = re.compile(r"\b(?:the\s+)?turn\s+of\s+the\s+(?:century|millennium)\b", re.IGNORECASE)
BETWEEN = re.compile(  # "between alexnet and transformers": the years of two things the list introduced
    r"\bbetween\s+(?P<a>[a-z][\w\- ]{1,30}?)\s+and\s+(?P<b>[a-z][\w\- ]{1,30}?)(?=$|[?.!,;])", re.IGNORECASE
)
RELATIVE_RE = re.compile(r"\b(" + "|".join(sorted(RELATIVE, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def plain_words(text: str) -> str:
    """Lowercase letters, digits and spaces only ("Transformers & the Modern-Era" -> "transformers   the modern era"):
    how era names, nicknames and concept terms are compared with a query."""
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("&", " ")).strip()


def _decade(m: re.Match[str]) -> tuple[int, int]:
    if m.group("word"):
        base = 1900 + WORD_NUMBERS[m.group("word").lower()]
        mod = m.group("mod2")
    elif m.group("short"):
        short = int(m.group("short"))
        base = 1900 + short if short >= 40 else 2000 + short
        mod = m.group("mod")
    else:
        base = int(m.group("century")) * 100 + int(m.group("tens")) * 10
        mod = m.group("mod")
    mod = (mod or "").lower()
    if mod == "early":
        return base, base + 4
    if mod in ("mid", "middle"):
        return base + 3, base + 7
    if mod == "late":
        return base + 6, base + 9
    return base, base + 9


def _decade_label(m: re.Match[str], lo: int) -> str:
    mod = (m.group("mod") or m.group("mod2") or "").lower()
    decade = f"{(lo // 10) * 10}s"
    return f"papers from the {mod + ' ' if mod else ''}{decade}"


def _era_by_name(text: str, ctx: TimeContext) -> tuple[EraRecord, Span] | None:
    """An era named in the query (its id or name, or most of its name's words in order), and where."""
    folded = plain_words(text)
    for e in ctx.eras:
        for name in (plain_words(e["name"]), plain_words(e["id"].replace("-", " "))):
            at = folded.find(name)
            if name and at >= 0:
                return e, _original_span(text, name)
    # part of an era's name is a time only beside a word that says so ("the transformer era");
    # alone it is a topic ("recurrent networks")
    if not ERA_WORD.search(text):
        return None
    best: tuple[int, EraRecord, Span] | None = None
    for e in ctx.eras:
        words = [w for w in plain_words(e["name"]).split() if len(w) > 2 and w not in ("the", "and", "modern")]
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                phrase = words[i : i + n]
                words_re = r"\s+".join(_era_word(w) for w in phrase)
                # beside the word that makes it a time: "the transformer era", "the era of transformers"
                hit = re.search(
                    rf"\b{words_re}\s+{ERA_WORD.pattern}|{ERA_WORD.pattern}\s+of\s+(?:the\s+)?{words_re}\b",
                    text,
                    re.IGNORECASE,
                )
                if hit and (best is None or n > best[0]):
                    best = (n, e, (hit.start(), hit.end()))
    if best is None:
        return None
    return best[1], best[2]


def _era_word(word: str) -> str:
    """A word of an era's name as a pattern: its synonyms, with or without a plural s."""
    base = word[:-1] if word.endswith("s") and len(word) > 3 else word
    alts = {base} | {k for k, v in ERA_SYNONYMS.items() if v == word}
    return "(?:" + "|".join(re.escape(a) for a in sorted(alts)) + ")s?"


def _original_span(text: str, folded_phrase: str) -> Span:
    pattern = r"\b" + r"[\W_]+".join(re.escape(w) for w in folded_phrase.split()) + r"\b"
    m = re.search(pattern, text, re.IGNORECASE)
    return (m.start(), m.end()) if m else (0, 0)


def _concept_year(what: str, ctx: TimeContext, whole: bool = False) -> int | None:
    """The year the list introduced ``what``, read from its longest leading words that name a concept.

    "backprop took off" and "transformers became popular" are the times of "backprop" and
    "transformers"; with ``whole`` only all of ``what`` counts.
    """
    words = re.sub(r"^(the|a|an)\s+", "", plain_words(what)).split()
    for n in [len(words)] if whole else range(len(words), 0, -1):
        folded = " ".join(words[:n])
        for term in (folded, folded.rstrip("s")):
            if term in ctx.concept_years:
                return ctx.concept_years[term]
    return None


def _open_ended(text: str, ctx: TimeContext) -> TimeWindow | None:
    """Windows counted from the list's last year, or open on one side: "the last five years", "2015 onwards"."""
    m = LAST.search(text)
    if m:
        raw = (m.group("n") or "1").lower()
        n = int(raw) if raw.isdigit() else COUNTS.get(raw, 1)
        years = n * (10 if m.group("unit").lower().startswith("decade") else 1)
        start = ctx.last - years + 1
        return TimeWindow(
            start, ctx.last, f"papers from the last {years} years ({start}–{ctx.last})", ((m.start(), m.end()),)
        )
    m = ONWARD.search(text)
    if m:
        y = int(m.group("y"))
        return TimeWindow(y, ctx.last, f"papers from {y} on", ((m.start(), m.end()),))
    m = UNTIL.search(text)
    if m:
        y = int(m.group("y"))
        return TimeWindow(ctx.first, y, f"papers up to {y}", ((m.start(), m.end()),))
    m = AROUND.search(text)
    if m:
        y = int(m.group("y"))
        return TimeWindow(y - 1, y + 1, f"papers from around {y}", ((m.start(), m.end()),))
    m = CENTURY.search(text)
    if m:
        start = 1900 if m.group("c").lower().startswith(("20", "twentieth")) else 2000
        return TimeWindow(start, start + 99, f"papers from the {m.group('c')} century", ((m.start(), m.end()),))
    m = TURN.search(text)
    if m:
        return TimeWindow(1998, 2003, "papers from the turn of the century", ((m.start(), m.end()),))
    return None


def read_time(text: str, ctx: TimeContext) -> TimeWindow | None:
    """The time a query asks about, or None. The first kind that matches wins, most explicit first."""
    m = RANGE.search(text)
    if m:
        a, b = sorted((int(m.group("a")), int(m.group("b"))))
        return TimeWindow(a, b, f"papers from {a} to {b}", ((m.start(), m.end()),))
    m = BETWEEN.search(text)
    ends = (_concept_year(m.group("a"), ctx), _concept_year(m.group("b"), ctx)) if m else (None, None)
    if m and ends[0] is not None and ends[1] is not None:
        a, b = sorted((ends[0], ends[1]))
        return TimeWindow(a, b, f"papers from {a} to {b}", ((m.start(), m.end()),))
    window = _open_ended(text, ctx)
    if window is not None:
        return window
    at = 0
    while (m := BOUND.search(text, at)) is not None:
        at = m.start() + 1  # matches may overlap: "from before backprop" is read at "before" too
        what = m.group("what").strip()
        direction = m.group("dir").lower().split()[0]
        # "from" a thing is often where a story starts ("from perceptrons to deep learning"): whole names only
        year = int(what) if re.fullmatch(YEAR, what) else _concept_year(what, ctx, whole=direction == "from")
        if year is None:
            continue
        if direction == "from" and re.fullmatch(YEAR, what):  # "anything from 2005?": that year ("since" is onwards)
            return TimeWindow(year, year, f"papers from {year}", ((m.start(), m.end()),))
        if direction in ("before", "until", "up", "prior", "pre"):
            end = year - 1 if direction in ("before", "prior", "pre") else year
            return TimeWindow(ctx.first, end, f"papers up to {end}", ((m.start(), m.end()),))
        start = year + 1 if direction in ("after", "post") else year
        return TimeWindow(start, ctx.last, f"papers from {start} on", ((m.start(), m.end()),))
    m = DECADES.search(text)
    if m:
        first, tail = m.group("a"), m.group("b")
        second = int(tail) if len(tail) == 4 else int(first[:2]) * 100 + int(tail)
        if second > int(first):
            label = f"papers from the {first}s to the {second}s"
            return TimeWindow(int(first), second + 9, label, ((m.start(), m.end()),))
    m = SAME_YEAR.search(text)
    year = _concept_year(m.group("what"), ctx) if m else None
    if m and year is not None:
        return TimeWindow(year, year, f"papers from {year}", ((m.start(), m.end()),))
    m = DECADE.search(text)
    if m:
        lo, hi = _decade(m)
        return TimeWindow(lo, hi, _decade_label(m, lo), ((m.start(), m.end()),))
    for m in SINGLE.finditer(text):
        y = int(m.group("y"))
        if ctx.first - 30 <= y <= ctx.last + 5:  # "2048 tokens" is not a year
            return TimeWindow(y, y, f"papers from {y}", ((m.start(), m.end()),))
    m = SHORT_YEAR.search(text)
    if m:
        yy = int(m.group("yy"))
        y = 2000 + yy if 2000 + yy <= ctx.last + 5 else 1900 + yy
        return TimeWindow(y, y, f"papers from {y}", ((m.start(), m.end()),))
    folded = plain_words(text)
    for nickname, (lo, hi) in NICKNAMES.items():
        if nickname in folded:
            return TimeWindow(lo, hi, f"the {nickname} ({lo}–{hi})", (_original_span(text, nickname),), True)
    named = _era_by_name(text, ctx)
    if named is not None:
        e, span = named
        return TimeWindow(e["start"], e["end"], f"{e['name']} ({e['start']}–{e['end']})", (span,), True)
    m = RELATIVE_RE.search(text)
    if m and ctx.eras:
        kind = RELATIVE[m.group(1).lower()]
        era = ctx.eras[-1] if kind == "recent" else ctx.eras[0]
        if kind == "classic":  # the first half of the list's eras
            era = ctx.eras[max(0, len(ctx.eras) // 2 - 1)]
            return TimeWindow(ctx.first, era["end"], f"classic papers (up to {era['end']})", ((m.start(), m.end()),))
        word = "recent" if kind == "recent" else "early"
        return TimeWindow(
            era["start"], era["end"], f"{word} papers ({era['start']}–{era['end']})", ((m.start(), m.end()),)
        )
    return None
