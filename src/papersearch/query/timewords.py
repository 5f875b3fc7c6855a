"""Read a time out of a query: years, ranges, decades, relative words, eras by name or nickname.

Pure functions of the text and of what the index knows (its eras, its years, the year each
concept entered the list). ``read_time`` returns the window a person meant, a phrase that says
it back to them, and the stretches of the query it was read from, so the rest can be searched
for its topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..core.patterns import DIGIT, YEAR_DIGITS, Gated
from . import bounds
from .bounds import BOUND, BOUND_WORDS, DECADE_BOUND, DECADE_ONWARD, PERIOD_BOUND, YEAR, bounded, named_end, thing_words
from .periods import Span, era_named, nickname_in
from .windows import TimeContext, TimeWindow

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
DECADES = Gated(  # "the 1940s and 50s", "1980s-90s": from the first decade to the end of the second
    ("0s", "0's", "0’s"),  # the second decade's end
    r"\b(?P<a>(?:1[89]|20)\d0)s?\s*(?:and|to|-|–|through|or)\s*(?:the\s+)?['’]?(?P<b>(?:1[89]|20)?\d0)['’]?s\b",
    re.IGNORECASE,
)


MOD = r"(?P<mod>early|mid|middle|late)[\s-]*"
DECADE = Gated(
    ("0s", "0's", "0’s", *WORD_NUMBERS),  # a decade in digits ends so
    rf"(?:{MOD})?(?:the\s+)?(?:(?P<century>1[89]|20)(?P<tens>\d)0|['’]?(?P<short>[2-9]0))['’]?s\b"
    rf"|(?:{MOD.replace('mod', 'mod2')})?(?:the\s+)?(?P<word>{'|'.join(WORD_NUMBERS)})\b",
    re.IGNORECASE,
)
RANGE = Gated(
    (YEAR_DIGITS,),
    rf"\b(?:between\s+|from\s+)?(?P<a>{YEAR})\s*(?:-|–|—|to|and|until|till|through)\s*(?P<b>{YEAR})\b",
    re.IGNORECASE,
)
SAME_YEAR = Gated(
    ("year", "when"),
    r"\b(?:(?:in\s+)?the\s+same\s+year\s+as|(?:in\s+)?the\s+year\s+(?:of|when)|when)\s+(?P<what>[a-z][\w\- ]{1,30}?)"
    r"(?:\s+(?:came\s+out|appeared|was\s+published|was\s+introduced|happened))?(?=$|[?.!,;])",
    re.IGNORECASE,
)
SINGLE = Gated((YEAR_DIGITS,), rf"(?<![\d\-–])\b(?P<y>{YEAR})s?\b(?![\d\-–])")
SHORT_YEAR = Gated((DIGIT,), r"(?<![\w'’])['’](?P<yy>\d\d)\b(?!['’]?s\b)")  # "papers from '89" (not "the '80s")
RELATIVE = dict.fromkeys(["recent", "recently", "latest", "newest", "modern", "nowadays", "today"], "recent")
RELATIVE |= dict.fromkeys(["most recent", "newer", "these days", "contemporary"], "recent")
RELATIVE |= dict.fromkeys(["early days", "beginnings", "oldest"], "early")
RELATIVE |= dict.fromkeys(["classic", "classical", "vintage", "old", "older"], "classic")
COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
COUNTS |= {"nine": 9, "ten": 10, "few": 3, "couple": 2, "couple of": 2}
LAST = Gated(
    ("last", "past", "previous"),
    r"\b(?:in\s+)?(?:the\s+)?(?:last|past|previous)\s+(?:(?P<n>\d{1,2}|"
    + "|".join(sorted(COUNTS, key=len, reverse=True))
    + r")\s+)?(?P<unit>years?|decades?)\b",
    re.IGNORECASE,
)
ONWARD = Gated(
    (YEAR_DIGITS,),
    rf"\b(?P<y>{YEAR})\s*(?:onwards?|and\s+(?:later|after|beyond)|or\s+later|\+|on(?=\s*(?:$|[?.!,;])))(?!\w)",
    re.IGNORECASE,
)
UNTIL = Gated((YEAR_DIGITS,), rf"\b(?P<y>{YEAR})\s*(?:and|or)\s+(?:earlier|before)\b", re.IGNORECASE)
AROUND = Gated(
    (YEAR_DIGITS,), rf"\b(?:around|circa|c\.|about|approximately|roughly|~)\s*(?P<y>{YEAR})\b", re.IGNORECASE
)
TO_NOW = Gated(  # "from the 80s to today", "from 1990 until now": that time to the list's last year
    ("today", "now", "present", "days"),
    rf"\b(?:from|since)\s+(?:the\s+)?(?:(?P<mod>early|mid|middle|late)[\s-]+)?(?P<a>{YEAR}|(?:1[89]|20)?\d0['’]?s|['’]\d0s)"
    r"\s+(?:to|until|till|through|up\s+to)\s+(?:today|now|the\s+present(?:\s+day)?|present\s+day|these\s+days)\b",
    re.IGNORECASE,
)
CENTURY = Gated(("century",), r"\b(?:the\s+)?(?P<c>20th|21st|twentieth|twenty[\s-]first)[\s-]+century\b", re.IGNORECASE)
TURN = Gated(("turn",), r"\b(?:the\s+)?turn\s+of\s+the\s+(?:century|millennium)\b", re.IGNORECASE)
BETWEEN = Gated(  # "between alexnet and transformers": the years of two things the list introduced...
    ("between",),
    r"(?<!differences\s)(?<!difference\s)(?<!similarities\s)(?<!similarity\s)(?<!relationship\s)(?<!link\s)"
    r"(?<!choose\s)(?<!compare\s)(?<!comparison\s)(?<!contrast\s)(?<!connection\s)"  # ...not two things compared
    r"\bbetween\s+(?P<a>[a-z][\w\- ]{1,30}?)\s+and\s+(?P<b>[a-z][\w\- ]{1,30}?)(?=$|[?.!,;])",
    re.IGNORECASE,
)
RELATIVE_RE = Gated((*RELATIVE,), r"\b(" + "|".join(sorted(RELATIVE, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _decade_years(m: re.Match[str]) -> tuple[int, int]:
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


def _concept_year(what: str, ctx: TimeContext, whole: bool = False) -> int | None:
    """The year the list introduced ``what``, read from its longest leading words that name a concept.

    "backprop took off" and "transformers became popular" are the times of "backprop" and
    "transformers"; with ``whole`` only all of ``what`` counts.
    """
    found = _concept_words(what, ctx, whole)
    return None if found is None else found[0]


def _concept_words(what: str, ctx: TimeContext, whole: bool = False) -> tuple[int, int] | None:
    """``_concept_year`` and how many of ``what``'s leading words (after "the") name the concept."""
    words = thing_words(what)
    for n in [len(words)] if whole else range(len(words), 0, -1):
        folded = " ".join(words[:n])
        for term in (folded, folded.rstrip("s")):
            if term in ctx.concept_years:
                return ctx.concept_years[term], n
    return None


def _at(m: re.Match[str]) -> tuple[Span, ...]:
    """Where a window was read: the whole match."""
    return ((m.start(), m.end()),)


def _year_range(text: str, ctx: TimeContext) -> TimeWindow | None:
    """Two years: "papers from 1986–1991", "between 1990 and 2005"."""
    m = RANGE.search(text)
    if not m:
        return None
    a, b = sorted((int(m.group("a")), int(m.group("b"))))
    return TimeWindow(a, b, f"papers from {a} to {b}", _at(m))


def _between_concepts(text: str, ctx: TimeContext) -> TimeWindow | None:
    """The years of two things the list introduced: "between alexnet and transformers"."""
    m = BETWEEN.search(text)
    if not m:
        return None
    first, second = _concept_year(m.group("a"), ctx), _concept_year(m.group("b"), ctx)
    if first is None or second is None:
        return None
    a, b = sorted((first, second))
    return TimeWindow(a, b, f"papers from {a} to {b}", _at(m))


def _last_years(text: str, ctx: TimeContext) -> TimeWindow | None:
    """Counted back from the list's last year: "the last five years", "the past decade"."""
    m = LAST.search(text)
    if not m:
        return None
    raw = (m.group("n") or "1").lower()
    n = int(raw) if raw.isdigit() else COUNTS.get(raw, 1)
    years = n * (10 if m.group("unit").lower().startswith("decade") else 1)
    start = ctx.last - years + 1
    return TimeWindow(start, ctx.last, f"papers from the last {years} years ({start}–{ctx.last})", _at(m))


def _onward(text: str, ctx: TimeContext) -> TimeWindow | None:
    """From a year to the list's last: "2015 onwards", "2018 and later"."""
    m = ONWARD.search(text)
    if not m:
        return None
    y = int(m.group("y"))
    return TimeWindow(y, ctx.last, f"papers from {y} on", _at(m))


def _up_to(text: str, ctx: TimeContext) -> TimeWindow | None:
    """From the list's first year to a year: "1990 and earlier"."""
    m = UNTIL.search(text)
    if not m:
        return None
    y = int(m.group("y"))
    return TimeWindow(ctx.first, y, f"papers up to {y}", _at(m))


def _to_now(text: str, ctx: TimeContext) -> TimeWindow | None:
    """From a year or a decade to the list's last year: "from the 80s to today", "since 1990 up to now"."""
    m = TO_NOW.search(text)
    if not m:
        return None
    a = m.group("a").strip("'’").rstrip("s").rstrip("'’")
    start = int(a) if len(a) == 4 else (1900 + int(a) if int(a) >= 40 else 2000 + int(a))
    if m.group("a").lower().endswith("s"):  # a decade: its early, middle or late years
        start += {"early": 0, "mid": 3, "middle": 3, "late": 6}.get((m.group("mod") or "").lower(), 0)
    return TimeWindow(start, ctx.last, f"papers from {start} on", _at(m))


def _around(text: str, ctx: TimeContext) -> TimeWindow | None:
    """A year either side: "around 2012", "circa 1986"."""
    m = AROUND.search(text)
    if not m:
        return None
    y = int(m.group("y"))
    return TimeWindow(y - 1, y + 1, f"papers from around {y}", _at(m))


def _century(text: str, ctx: TimeContext) -> TimeWindow | None:
    """ "the 20th century", "the twenty-first century"; "the turn of the century" is 1998–2003."""
    m = CENTURY.search(text)
    if m:
        start = 1900 if m.group("c").lower().startswith(("20", "twentieth")) else 2000
        return TimeWindow(start, start + 99, f"papers from the {m.group('c')} century", _at(m))
    m = TURN.search(text)
    if m:
        return TimeWindow(1998, 2003, "papers from the turn of the century", _at(m))
    return None


def _bound(text: str, ctx: TimeContext) -> TimeWindow | None:
    """Open on one side of a year or of a thing the list introduced: "before 2000", "after backprop", "since 2012",
    "later than 2019"."""
    at = 0
    while (m := BOUND.search(text, at)) is not None:
        at = m.start() + 1  # matches may overlap: "from before backprop" is read at "before" too
        what = re.sub(r"^the\s+year\s+", "", m.group("what").strip(), flags=re.IGNORECASE)
        word = m.group("dir")
        # "from" a thing is often where a story starts ("from perceptrons to deep learning"): whole names only
        named = None if re.fullmatch(YEAR, what) else _concept_words(what, ctx, whole=word.lower() == "from")
        year = int(what) if named is None and re.fullmatch(YEAR, what) else None if named is None else named[0]
        if year is None or (named is not None and not bounds.a_time_beside(word, text, m.start(), m.end())):
            continue
        # "pre-transformer machine translation": the bound and the concept say when, the words after it what about
        end_at = m.end() if named is None else m.start("what") + named_end(m.group("what"), named[1])
        onward = not re.fullmatch(YEAR, what)  # "from backprop": from its year on; "from 2005": that year
        start, end = bounded(word, year, year, (ctx.first, ctx.last), onward)
        side = BOUND_WORDS[" ".join(word.lower().split())]
        if side in ("before", "until"):
            label = f"papers up to {end}"
        else:  # "papers from 2005": that year alone
            label = f"papers from {start}" + ("" if side == "from" and not onward else " on")
        return TimeWindow(start, end, label, ((m.start(), end_at),))
    return None


def _decades(text: str, ctx: TimeContext) -> TimeWindow | None:
    """From one decade to the end of another: "the 1940s and 50s", "1980s-90s"."""
    m = DECADES.search(text)
    if not m:
        return None
    first, tail = m.group("a"), m.group("b")
    second = int(tail) if len(tail) == 4 else int(first[:2]) * 100 + int(tail)
    if second <= int(first):
        return None
    return TimeWindow(int(first), second + 9, f"papers from the {first}s to the {second}s", _at(m))


def _same_year_as(text: str, ctx: TimeContext) -> TimeWindow | None:
    """The year a thing the list introduced came out: "the same year as word2vec", "when GANs appeared"."""
    m = SAME_YEAR.search(text)
    year = _concept_year(m.group("what"), ctx) if m else None
    if m is None or year is None:
        return None
    return TimeWindow(year, year, f"papers from {year}", _at(m))


def _decade(text: str, ctx: TimeContext) -> TimeWindow | None:
    """One decade or part of it: "the 1950s", "the '80s", "the eighties", "late 1980s"; open on one side of it after
    a bound ("since the 90s", "before the 1980s", "after the eighties", "from the 90s onwards")."""
    m = DECADE.search(text)
    if not m:
        return None
    lo, hi = _decade_years(m)
    bound, onward = DECADE_BOUND.search(text, 0, m.start()), DECADE_ONWARD.match(text, m.end())
    if bound is None and onward is None:
        return TimeWindow(lo, hi, _decade_label(m, lo), _at(m))
    a, b = bounded(bound.group("dir") if bound else "since", lo, hi, (ctx.first, ctx.last), onward is not None)
    if (a, b) == (lo, hi):  # "from the 1980s": the decade alone
        return TimeWindow(lo, hi, _decade_label(m, lo), _at(m))
    span = (bound.start() if bound else m.start(), onward.end() if onward else m.end())
    return TimeWindow(a, b, f"papers up to {b}" if a == ctx.first else f"papers from {a} on", (span,))


def _single_year(text: str, ctx: TimeContext) -> TimeWindow | None:
    """One year near the list's ("what came out in 2015?"); "2048 tokens" is not a year."""
    for m in SINGLE.finditer(text):
        y = int(m.group("y"))
        if ctx.first - 30 <= y <= ctx.last + 5:
            return TimeWindow(y, y, f"papers from {y}", _at(m))
    return None


def _short_year(text: str, ctx: TimeContext) -> TimeWindow | None:
    """A year in two digits: "papers from '89"."""
    m = SHORT_YEAR.search(text)
    if not m:
        return None
    yy = int(m.group("yy"))
    y = 2000 + yy if 2000 + yy <= ctx.last + 5 else 1900 + yy
    return TimeWindow(y, y, f"papers from {y}", _at(m))


def _nickname(text: str, ctx: TimeContext) -> TimeWindow | None:
    """A period of AI history by its nickname: "the first AI winter"."""
    found = nickname_in(text)
    if found is None:
        return None
    nickname, lo, hi, span = found
    return _period(text, ctx, lo, hi, span) or TimeWindow(lo, hi, f"the {nickname} ({lo}–{hi})", (span,), True)


def _named_era(text: str, ctx: TimeContext) -> TimeWindow | None:
    """An era of the list by name: "the transformer era", "the Backpropagation Revolution"."""
    named = era_named(text, ctx.eras, ctx.era_key)
    if named is None:
        return None
    e, span = named
    lo, hi = e["start"], e["end"]
    return _period(text, ctx, lo, hi, span) or TimeWindow(lo, hi, f"{e['name']} ({lo}–{hi})", (span,), True)


def _period(text: str, ctx: TimeContext, lo: int, hi: int, span: Span) -> TimeWindow | None:
    """The time on one side of a period named at ``span`` (years ``lo``-``hi``), when a bound word stands just before
    it: "the pre-deep-learning era", "before the transformer era", "after the AI winter". Its words then say when,
    not what about ("image recognition in the pre-deep-learning era" is not about the deep learning era's papers)."""
    m = PERIOD_BOUND.search(text, 0, span[0])
    if m is None or BOUND_WORDS[" ".join(m.group("dir").lower().split())] == "from":
        return None
    start, end = bounded(m.group("dir"), lo, hi, (ctx.first, ctx.last))
    label = f"papers up to {end}" if end < hi else f"papers from {start} on"
    return TimeWindow(start, end, label, ((m.start(), span[1]),))


def _relative(text: str, ctx: TimeContext) -> TimeWindow | None:
    """A word relative to the list's eras: "recent" (the last era), "early days" (the first), "classic" (the first half)."""
    m = RELATIVE_RE.search(text)
    if not m or not ctx.eras:
        return None
    kind = RELATIVE[m.group(1).lower()]
    era = ctx.eras[-1] if kind == "recent" else ctx.eras[0]
    if kind == "classic":
        era = ctx.eras[max(0, len(ctx.eras) // 2 - 1)]
        return TimeWindow(ctx.first, era["end"], f"classic papers (up to {era['end']})", _at(m))
    word = "recent" if kind == "recent" else "early"
    told = TimeWindow(era["start"], era["end"], f"{word} papers ({era['start']}–{era['end']})", _at(m))
    return _period(text, ctx, era["start"], era["end"], m.span()) or told  # "before the modern era"


# Each kind of time a query may name, most explicit first: the first that reads a window wins.
_READERS: tuple[Callable[[str, TimeContext], TimeWindow | None], ...] = (
    _year_range,
    _to_now,
    _between_concepts,
    _last_years,
    _onward,
    _up_to,
    _around,
    _century,
    _bound,
    _decades,
    _same_year_as,
    _decade,
    _single_year,
    _short_year,
    _nickname,
    _named_era,
    _relative,
)


def read_time(text: str, ctx: TimeContext) -> TimeWindow | None:
    """The time a query asks about, or None. The first kind that matches wins, most explicit first."""
    for reader in _READERS:
        window = reader(text, ctx)
        if window is not None:
            return window
    return None
