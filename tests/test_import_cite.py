"""What a reference manager exported reaches every citation: kind of work, volume, issue, pages, preprints, et al.

Files as Zotero (CSL-JSON and BibTeX) and Google Scholar write them (``tests/data/imports/citations.*``): Dropout
in JMLR 15(56):1929–1958, U-Net a chapter of LNCS 9351 pp. 234–241, Layer Normalization under an arXiv
pseudo-venue, DQN's "and others", Neural Turing Machines' CSL "others".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from papersearch.cli.render import show_paper
from papersearch.core.errors import Problem
from papersearch.core.records import PaperRecord
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.csl import read_csl
from papersearch.corpus.fields import parse_paper
from papersearch.corpus.import_plan import ImportOptions
from papersearch.corpus.imports import import_entries, run_import
from papersearch.corpus.incoming import Incoming
from papersearch.corpus.load import load_corpus
from papersearch.corpus.render import render_paper
from papersearch.corpus.venues import TYPES, csl_type_of, pages_of, preprint_venue
from papersearch.graph.records import corpus_records
from papersearch.query.answer import citation
from papersearch.query.cite import cite

from .conftest import CORPUS

DATA = Path(__file__).parent / "data" / "imports"
DROPOUT, UNET, LAYERNORM = (
    "2014-srivastava-dropout-simple",
    "2015-ronneberger-u-net-convolutional",
    "2016-ba-layer-normalization",
)
DQN, NTM = "2015-mnih-human-level-control", "2014-graves-neural-turing"


def read(name: str) -> list[Incoming]:
    text = (DATA / name).read_text(encoding="utf-8")
    found = list(read_csl(text) if name.endswith(".json") else read_bibtex(text))
    assert all(isinstance(e, Incoming) for e in found)
    return [e for e in found if isinstance(e, Incoming)]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PaperRecord]:
    """The real corpus with both files imported (the CSL-JSON first), as the index's records."""
    corpus = tmp_path_factory.mktemp("cite") / "corpus"
    shutil.copytree(CORPUS, corpus)
    run_import(DATA / "citations.json", corpus)
    run_import(DATA / "citations.bib", corpus)
    return {r["id"]: r for r in corpus_records(load_corpus(corpus))[0]}


# ---------------------------------------------------------------- reading what the manager exported


def test_csl_json_keeps_type_volume_issue_pages_and_names_an_item_by_its_citation_key() -> None:
    dropout, unet, layernorm, vit, ntm = read("citations.json")
    assert dropout.name == "srivastava_dropout_2014" and vit.name.startswith("http://zotero.org/")
    assert (dropout.type, dropout.volume, dropout.issue, dropout.pages) == ("article-journal", "15", "56", "1929-1958")
    assert (unet.type, unet.volume, unet.pages) == ("chapter", "9351", "234-241")
    assert unet.venue == "Medical Image Computing and Computer-Assisted Intervention – MICCAI 2015"
    assert (layernorm.type, layernorm.venue, layernorm.arxiv) == ("article", "", "1607.06450")  # no journal
    assert ntm.authors == ("Alex Graves", "Greg Wayne") and ntm.et_al and not dropout.et_al
    assert (ntm.type, ntm.venue, ntm.arxiv) == ("article", "", "1410.5401")


def test_bibtex_keeps_entry_type_volume_number_pages_and_and_others() -> None:
    dqn, layernorm, unet, corr = read("citations.bib")
    assert dqn.authors == ("Volodymyr Mnih", "Koray Kavukcuoglu", "David Silver") and dqn.et_al
    assert (dqn.type, dqn.volume, dqn.issue, dqn.pages) == ("article-journal", "518", "7540", "529-533")
    assert (layernorm.type, layernorm.venue, layernorm.arxiv) == ("article", "", "1607.06450")
    assert (unet.type, unet.volume, unet.pages) == ("chapter", "9351", "234-241") and not unet.et_al
    assert (corr.type, corr.venue, corr.volume, corr.arxiv) == ("article", "", "", "1607.06450")  # DBLP's CoRR
    (scholar_silver,) = [e for e in read("scholar.bib") if e.name == "silver2016mastering"]
    assert scholar_silver.et_al and len(scholar_silver.authors) == 10


@pytest.mark.parametrize(
    ("venue", "volume", "expected"),
    [
        ("arXiv:1607.06450 [cs, stat]", "", (True, "1607.06450")),
        ("arXiv preprint arXiv:1607.06450", "", (True, "1607.06450")),
        ("CoRR abs/1607.06450", "", (True, "1607.06450")),
        ("CoRR", "abs/1607.06450", (True, "1607.06450")),
        ("arXiv e-prints", "", (True, "")),
        ("Transactions on Machine Learning Research", "", (False, "")),
        ("Corrosion Science", "", (False, "")),
        ("Nature", "521", (False, "")),
    ],
)
def test_an_arxiv_pseudo_venue_is_a_preprint(venue: str, volume: str, expected: tuple[bool, str]) -> None:
    assert preprint_venue(venue, volume) == expected


def test_pages_read_every_dash_and_refuse_words() -> None:
    assert [pages_of(p) for p in ("1929--1958", "1929–1958", "234 - 241", "e1234", "xii")] == [
        "1929-1958",
        "1929-1958",
        "234-241",
        "e1234",
        "xii",
    ]
    assert pages_of("see the appendix") is None


def test_a_reference_managers_csl_type_reads_as_ours_or_as_none() -> None:
    assert [csl_type_of(t) for t in TYPES] == list(TYPES)  # ours read as themselves, with no alias
    assert [csl_type_of(t) for t in (" Paper-Conference ", "manuscript", "preprint", "webpage")] == [
        "paper-conference",
        "article",
        "article",
        "",
    ]


def test_pages_that_are_no_range_warn_in_bibtex_as_in_csl_json() -> None:
    """Both readers leave such pages out and say so; BibTeX once froze its warnings before the pages were read."""
    bib = "@article{a, title={T}, author={Lovelace, Ada}, journal={J}, year={2014}, pages={12, 15-18}}\n"
    csl = '[{"id": "a", "title": "T", "author": [{"family": "Lovelace", "given": "Ada"}], "container-title": "J", '
    csl += '"issued": {"date-parts": [[2014]]}, "page": "12, 15-18"}]'
    (from_bib,), (from_csl,) = list(read_bibtex(bib)), list(read_csl(csl))
    assert isinstance(from_bib, Incoming) and isinstance(from_csl, Incoming)
    assert (from_bib.pages, from_csl.pages) == ("", "")
    assert [f for f, _ in from_bib.warnings] == ["pages"] and "'12, 15-18'" in from_bib.warnings[0][1]
    assert [f for f, _ in from_csl.warnings] == ["page"]


# ---------------------------------------------------------------- the corpus file format


FRONT = "---\nid: 2014-x-y\nyear: 2014\ntitle: T\nauthors: [A B]\nera: e\n{extra}---\n"


def test_the_new_fields_are_checked_naming_file_and_field() -> None:
    problems: list[Problem] = []
    extra = "type: journal\nvolume: [1]\nissue: 56\npages: see appendix\net_al: yes please\n"
    assert parse_paper(FRONT.format(extra=extra), "papers/x.md", problems) is None
    said = {p.field: p.message for p in problems}
    assert set(said) == {"type", "volume", "pages", "et_al"} and all(p.file == "papers/x.md" for p in problems)
    assert "article-journal" in said["type"] and "1929-1958" in said["pages"] and "true or false" in said["et_al"]
    good = "type: chapter\nvolume: 9351\nissue: '7540'\npages: 234--241\net_al: true\n"
    paper = parse_paper(FRONT.format(extra=good), "papers/x.md", problems := [])
    assert paper is not None and not problems
    assert (paper.type, paper.volume, paper.issue, paper.pages, paper.et_al) == (
        "chapter",
        "9351",
        "7540",
        "234-241",
        True,
    )
    again = parse_paper(render_paper(paper), "papers/x.md", [])
    assert again == paper


# ---------------------------------------------------------------- every style and format


def test_bibtex_cites_the_kind_of_work_volume_number_pages_and_others(records: dict[str, PaperRecord]) -> None:
    bib = cite([records[DROPOUT], records[UNET], records[LAYERNORM], records[DQN]], "bibtex")
    dropout, unet, layernorm, dqn = bib.split("\n\n")
    assert dropout.startswith("@article{") and "volume  = {15}" in dropout and "number  = {56}" in dropout
    assert "pages   = {1929--1958}" in dropout and "journal = {Journal of Machine Learning Research}" in dropout
    assert unet.startswith("@incollection{") and "booktitle = {Medical Image Computing" in unet
    assert "journal" not in unet and "pages     = {234--241}" in unet and "volume    = {9351}" in unet
    assert layernorm.startswith("@misc{") and "journal" not in layernorm and "eprint        = {1607.06450}" in layernorm
    assert "archivePrefix = {arXiv}" in layernorm
    assert "author  = {Mnih, Volodymyr and Kavukcuoglu, Koray and Silver, David and others}" in dqn
    (back,) = read_bibtex(dqn)  # and it reads back as it was
    assert isinstance(back, Incoming) and back.et_al and back.authors == tuple(records[DQN]["authors"])


def test_text_cites_volume_pages_preprints_and_et_al(records: dict[str, PaperRecord]) -> None:
    harvard = cite([records[DROPOUT], records[UNET], records[LAYERNORM], records[DQN], records[NTM]], "text")
    assert "Journal of Machine Learning Research, 15(56), pp. 1929–1958." in harvard
    assert "MICCAI 2015, pp. 234–241." in harvard
    assert "(2016) “Layer Normalization”, arXiv preprint arXiv:1607.06450." in harvard
    assert "Mnih, V. et al. (2015)" in harvard and "Graves, A., Wayne, G. et al. (2014)" in harvard
    assert "others" not in harvard and "[Preprint]" not in harvard
    short = cite([records[DQN], records[LAYERNORM]], "text", "short")
    assert short.startswith("Mnih, V., Kavukcuoglu, K., Silver, D. et al. (2015) Human-level control")
    assert (
        "nature, 518(7540), pp. 529–533." in short and "Layer Normalization. arXiv preprint arXiv:1607.06450." in short
    )


def test_an_answer_and_show_say_et_al_for_a_paper_whose_source_said_others(
    records: dict[str, PaperRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    ntm = records[NTM]  # Neural Turing Machines: two authors listed, then CSL-JSON's "others"
    assert ntm.get("et_al") and len(ntm["authors"]) == 2
    assert citation(ntm) == "(Graves et al., 2014)"  # not "(Graves & Wayne, 2014)"
    assert citation({**ntm, "et_al": False}) == "(Graves & Wayne, 2014)"
    show_paper(ntm)
    assert "Alex Graves, Greg Wayne et al." in capsys.readouterr().out


def test_csl_json_and_ris_carry_it_too(records: dict[str, PaperRecord]) -> None:
    items = json.loads(cite([records[DROPOUT], records[UNET], records[LAYERNORM], records[DQN]], "csl-json"))
    dropout, unet, layernorm, dqn = items
    assert (dropout["volume"], dropout["issue"], dropout["page"]) == ("15", "56", "1929-1958")
    assert unet["type"] == "chapter" and unet["page"] == "234-241"
    assert layernorm["type"] == "article" and "container-title" not in layernorm
    assert layernorm["number"] == "arXiv:1607.06450"
    assert dqn["author"][-1] == {"literal": "others"} and len(dqn["author"]) == 4  # never a made-up person
    (back,) = read_csl(json.dumps([dqn]))  # read back: "others" is the mark, not an author
    assert isinstance(back, Incoming) and back.et_al and len(back.authors) == 3
    ris = cite([records[UNET]], "ris")
    assert "TY  - CHAP" in ris and "VL  - 9351" in ris and "SP  - 234" in ris and "EP  - 241" in ris
    ris = cite([records[DQN]], "ris")  # RIS has no "others": the listed authors only, never a person "others"
    assert [line for line in ris.splitlines() if line.startswith("AU")] == [
        "AU  - Mnih, Volodymyr",
        "AU  - Kavukcuoglu, Koray",
        "AU  - Silver, David",
    ]


def test_a_list_paper_whose_venue_is_arxiv_is_cited_as_a_preprint(records: dict[str, PaperRecord]) -> None:
    adam = {**records["2015-kingma-adam"], "venue": "arXiv preprint arXiv:1412.6980"}
    bib = cite([adam], "bibtex")  # type: ignore[list-item]
    assert bib.startswith("@misc{2015-kingma-adam,") and "eprint        = {1412.6980}" in bib and "journal" not in bib
    assert "arXiv preprint arXiv:1412.6980." in cite([adam], "text")  # type: ignore[list-item]
    listed = [r for r in records.values() if preprint_venue(r.get("venue", ""))[0]]
    assert [r["id"] for r in listed] == []  # of the 49 and the imports, none keeps an arXiv venue


def test_dblps_corr_volume_goes_with_its_pseudo_venue(records: dict[str, PaperRecord]) -> None:
    """A record kept as DBLP wrote it (venue "CoRR", volume "abs/…") is a preprint in every format, with no volume."""
    corr = {**records["2015-kingma-adam"], "venue": "CoRR", "volume": "abs/1412.6980", "type": "article-journal"}
    bib = cite([corr], "bibtex")  # type: ignore[list-item]
    assert bib.startswith("@misc{") and "volume" not in bib and "abs/" not in bib
    (item,) = json.loads(cite([corr], "csl-json"))  # type: ignore[list-item]
    assert item["type"] == "article" and "volume" not in item and item["number"] == "arXiv:1412.6980"
    ris = cite([corr], "ris")  # type: ignore[list-item]
    assert "TY  - GEN" in ris and "\nVL  -" not in ris and "abs/1412.6980\n" not in ris.replace("arxiv.org/abs/", "")
    for style in ("harvard", "short"):
        assert "abs/1412.6980" not in cite([corr], "text", style).replace("arxiv.org/abs/", "")  # type: ignore[list-item]


# ---------------------------------------------------------------- ids and where `add` writes


def test_an_id_made_from_a_title_leaves_out_stop_words(records: dict[str, PaperRecord]) -> None:
    assert "2021-dosovitskiy-image-worth" in records  # "An Image is Worth 16x16 Words", not image-is
    assert DROPOUT in records and len(records) == 49 + 6


def test_add_writes_a_markdown_file_in_a_list_that_keeps_a_bulk_file(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    run_import(DATA / "arxiv-metadata.jsonl", corpus, ImportOptions(era="nearest"))
    assert (corpus / "papers.jsonl").is_file()
    entry = Incoming(0, "", "A Paper Added by Hand", 2019, ("Ada Lovelace",))
    plan = import_entries([entry], "papersearch add", corpus)
    (item,) = plan.items
    assert item.action == "add" and item.file == f"papers/{item.id}.md" and (corpus / item.file).is_file()


def test_where_in_a_venue_goes_with_the_venue_and_et_al_with_the_authors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    run_import(DATA / "citations.bib", corpus)  # DQN "and others"; Layer Normalization a preprint
    later = (
        "@inproceedings{ln, title={Layer Normalization}, author={Ba, Jimmy Lei and Kiros, Jamie Ryan and Hinton, "
        "Geoffrey E}, booktitle={NIPS Deep Learning Symposium}, pages={1--9}, year={2016}, eprint={1607.06450}}\n"
        "@article{dqn, title={Human-level control through deep reinforcement learning}, author={Mnih, Volodymyr and "
        "Kavukcuoglu, Koray and Silver, David and Rusu, Andrei A.}, journal={Nature}, year={2015}}\n"
    )
    (tmp_path / "later.bib").write_text(later, encoding="utf-8")
    run_import(tmp_path / "later.bib", corpus)
    papers = load_corpus(corpus).by_id()
    ln, dqn = papers[LAYERNORM], papers[DQN]
    assert (ln.venue, ln.type, ln.pages) == ("NIPS Deep Learning Symposium", "paper-conference", "1-9")
    assert dqn.et_al and len(dqn.authors) == 3  # the list's authors stand, and so does their "and others"
    run_import(tmp_path / "later.bib", corpus, ImportOptions(force=True))
    dqn = load_corpus(corpus).by_id()[DQN]
    assert not dqn.et_al and dqn.authors[-1] == "Andrei A. Rusu"  # an import's authors replaced: their own ending
    assert (dqn.venue, dqn.volume, dqn.pages) == ("Nature", "518", "529-533")  # "nature" is Nature: its numbers stay
    (tmp_path / "moved.bib").write_text(later.replace("journal={Nature}", "journal={Science}"), encoding="utf-8")
    run_import(tmp_path / "moved.bib", corpus, ImportOptions(force=True))
    dqn = load_corpus(corpus).by_id()[DQN]
    assert (dqn.venue, dqn.volume, dqn.pages, dqn.type) == ("Science", "", "", "article-journal")


def test_a_bare_article_says_no_kind_of_work_without_its_journal(tmp_path: Path) -> None:
    """ "@article{a, title=…, author=…, year=…}" as a person types it: no journal, so no "article-journal" either, and
    a paper of the list it names is left as it is."""
    bare = "@article{a, title={Attention Is All You Need}, author={Vaswani, Ashish}, year={2017}}\n"
    (entry,) = read_bibtex(bare)
    assert isinstance(entry, Incoming) and entry.type == "" and entry.venue == ""
    (tmp_path / "bare.bib").write_text(bare, encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (item,) = run_import(tmp_path / "bare.bib", corpus).items
    assert (item.action, item.id) == ("unchanged", "2017-vaswani-transformer")


def test_a_count_of_unnamed_authors_is_et_al_in_every_format(records: dict[str, PaperRecord]) -> None:
    """DeepSeek-R1's list ends "over 100 additional authors": no format names that as an author (BibTeX cited
    "authors, over 100 additional"); each says et al. its own way, as the answer's citation already did."""
    r1 = records["2025-deepseek-deepseek-r1"]
    assert r1["authors"][-1] == "over 100 additional authors"
    bibtex = cite([r1], "bibtex")
    assert "additional" not in bibtex and " and others}" in bibtex
    item = json.loads(cite([r1], "csl-json"))[0]
    assert item["author"][-1] == {"literal": "others"} and "additional" not in json.dumps(item)
    assert "additional" not in cite([r1], "ris")
    short = cite([r1], "text", "short")
    assert "additional" not in short and " et al. (2025)" in short
    assert citation(r1) == "(DeepSeek AI et al., 2025)"


def test_a_hit_and_an_answers_source_carry_et_al_to_every_face(records: dict[str, PaperRecord]) -> None:
    """The record's ``et_al`` reached ``show`` and the citations but not a search hit or an answer's source, so
    ``ask`` and ``answer`` listed Neural Turing Machines as by "Alex Graves, Greg Wayne" alone."""
    from types import SimpleNamespace

    from papersearch.cli.render import hit_lines
    from papersearch.query.answer import _sources
    from papersearch.query.hits import search_hit

    ntm, dropout = records[NTM], next(r for r in records.values() if not r.get("et_al") and len(r["authors"]) == 2)
    for rec, said in ((ntm, True), (dropout, False)):
        hit = search_hit(1, rec, 1.0, {"dense": 1.0, "lexical": 1.0}, {"terms": [], "sentence": "", "concepts": []})  # type: ignore[typeddict-item]
        assert hit.get("et_al", False) is said
        assert ("et al." in "\n".join(hit_lines(hit))) is said
        data = SimpleNamespace(records=[rec])
        (source,) = _sources(data, {0: 1}, {0: citation(rec)})  # type: ignore[arg-type]
        assert source.get("et_al", False) is said
    assert "et_al" in json.dumps(search_hit(1, ntm, 1.0, {}, {}))  # type: ignore[arg-type]
