"""A person or an organisation, told from the evidence a name gives: commas, initials, an organisation's word.

A short capitalised last word is no evidence: "Wei LI" and "Andrew NG" (a surname as some lists write it), "Li, X."
(an initial) are people, and are cited by their surnames in every format; "DeepSeek AI", "Google Brain" and
"IBM Research" are organisations, cited whole.
"""

from __future__ import annotations

import pytest

from papersearch.core import names
from papersearch.core.records import PaperRecord
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.csl import read_csl
from papersearch.corpus.incoming import Incoming
from papersearch.corpus.ris import read_ris
from papersearch.query.answer import citation
from papersearch.query.cite import cite


@pytest.mark.parametrize(
    ("name", "given", "surname"),
    [
        ("Li, X.", ["X."], "Li"),  # "Last, Initial", as a person types it
        ("Ng, Andrew Y.", ["Andrew", "Y."], "Ng"),
        ("van den Oord, Aäron", ["Aäron"], "van den Oord"),
        ("Wei LI", ["Wei"], "LI"),  # a surname in capitals is no organisation
        ("Andrew NG", ["Andrew"], "NG"),
        ("Yonghui WU", ["Yonghui"], "WU"),
        ("Wei LIU", ["Wei"], "LIU"),  # three capitals with a vowel: a surname
        ("Xu", [], "Xu"),
        ("Weiwei Ai", ["Weiwei"], "Ai"),  # "Ai" is a surname; "AI" an organisation's word
        ("Henry Ford, Jr.", ["Henry"], "Ford"),  # a suffix after the comma, not the surname
        ("Henry Ford III", ["Henry"], "Ford"),
        ("Geoffrey E. Hinton", ["Geoffrey", "E."], "Hinton"),
    ],
)
def test_a_person_is_read_from_commas_and_initials(name: str, given: list[str], surname: str) -> None:
    assert not names.is_organisation(name)
    assert (names.given_names(name), names.author_surname(name), names.cited_name(name)) == (given, surname, surname)


@pytest.mark.parametrize(
    ("name", "filed"),
    [
        ("DeepSeek AI", "DeepSeek"),
        ("Google Brain", "Google"),
        ("Google DeepMind", "Google"),
        ("IBM Research", "IBM"),
        ("Microsoft Research Asia", "Microsoft"),
        ("Qwen Team", "Qwen"),
        ("Google, Inc.", "Google"),
        ("Baidu NLP", "Baidu"),  # three capitals without a vowel: no one's surname
        ("Apple MLR", "Apple"),
        ("Tencent ARC", "Tencent"),  # a company's name: "ARC" has a vowel, as "Wei LIU" has
        ("Meta FAIR", "Meta"),
        ("NVIDIA Corporation", "NVIDIA"),
    ],
)
def test_an_organisation_is_read_from_its_words_and_cited_whole(name: str, filed: str) -> None:
    assert names.is_organisation(name) and names.given_names(name) == []
    assert names.author_surname(name) == filed and names.cited_name(name) == name


def _record(authors: list[str]) -> PaperRecord:
    return {  # type: ignore[typeddict-item]
        "id": "2020-li-names",
        "year": 2020,
        "title": "Names",
        "authors": authors,
        "era": "e",
        "question": "",
        "summary": "",
        "concepts": [],
    }


AUTHORS = ["Li, X.", "Wei LI", "Henry Ford, Jr.", "Google Brain"]


def test_people_are_cited_by_surname_and_organisations_whole_in_every_format() -> None:
    record = _record(AUTHORS)
    assert "Li, X., LI, W., Ford, H., Jr. and Google Brain (2020)" in cite([record], "text", style="short")
    assert "author = {Li, X. and LI, Wei and Ford, Jr., Henry and {Google Brain}}" in cite([record], "bibtex")
    assert "AU  - Li, X.\nAU  - LI, Wei\nAU  - Ford, Henry, Jr.\nAU  - Google Brain\n" in cite([record], "ris")
    assert cite([record], "text").startswith("Li, X. et al. (2020)")
    assert citation(_record(["Wei LI", "Andrew NG"])) == "(LI & NG, 2020)"


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_each_name_reads_back_as_the_same_person_or_organisation(fmt: str) -> None:
    text = cite([_record(AUTHORS)], fmt)
    (back,) = read_bibtex(text) if fmt == "bibtex" else read_csl(text) if fmt == "csl-json" else read_ris(text)
    assert isinstance(back, Incoming)
    assert [names.read_name(a) for a in back.authors] == [names.read_name(a) for a in AUTHORS]
