"""What ``cite`` writes, an import reads back as it was: every kind of work keeps its venue, in every format.

A Zotero export as a researcher's library holds it: a PhD and a master's thesis (``school``), a technical report
(``institution``), a book (``publisher``, and a ``series`` that is no venue), a chapter of an LNCS volume, a
conference paper, journal articles (one ending "and others"), a preprint, a talk (``howpublished``), and names
with letters beyond ASCII. Imported, cited, and the citation imported again, each paper is the same paper.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from papersearch.cli.render import published
from papersearch.core.errors import ImportFileError
from papersearch.core.records import PaperRecord
from papersearch.corpus import venues
from papersearch.corpus.arxiv import read_arxiv
from papersearch.corpus.atom import read_atom
from papersearch.corpus.bibtex import read_bibtex
from papersearch.corpus.csl import read_csl
from papersearch.corpus.import_plan import ImportOptions
from papersearch.corpus.imports import run_import
from papersearch.corpus.incoming import BadEntry, Incoming
from papersearch.corpus.load import load_corpus
from papersearch.corpus.ris import read_ris
from papersearch.corpus.sources import read_source
from papersearch.graph.records import corpus_records
from papersearch.query.cite import cite
from papersearch.query.cite_venue import placed

from .conftest import CORPUS

ZOTERO_BIB = r"""
@phdthesis{graves_supervised_2008,
	address = {München},
	type = {{PhD} {Thesis}},
	title = {Supervised {Sequence} {Labelling} with {Recurrent} {Neural} {Networks}},
	school = {Technische Universität München},
	author = {Graves, Alex},
	year = {2008},
}

@mastersthesis{linnainmaa_representation_1970,
	title = {The representation of the cumulative rounding error of an algorithm as a {Taylor} expansion},
	school = {University of Helsinki},
	author = {Linnainmaa, Seppo},
	year = {1970},
}

@techreport{krizhevsky_learning_2009,
	address = {Toronto},
	title = {Learning {Multiple} {Layers} of {Features} from {Tiny} {Images}},
	institution = {University of Toronto},
	author = {Krizhevsky, Alex},
	year = {2009},
	number = {TR-2009},
}

@book{goodfellow_deep_2016,
	address = {Cambridge, MA},
	series = {Adaptive {Computation} and {Machine} {Learning}},
	title = {Deep {Learning}},
	publisher = {MIT Press},
	author = {Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron},
	year = {2016},
	url = {http://www.deeplearningbook.org},
}

@incollection{lecun_efficient_1998,
	address = {Berlin, Heidelberg},
	series = {Lecture {Notes} in {Computer} {Science}},
	title = {Efficient {BackProp}},
	booktitle = {Neural {Networks}: {Tricks} of the {Trade}},
	publisher = {Springer},
	author = {LeCun, Yann and Bottou, L{\'e}on and Orr, Genevieve B. and M{\"u}ller, Klaus-Robert},
	year = {1998},
	doi = {10.1007/3-540-49430-8_2},
	pages = {9--50},
}

@inproceedings{he_deep_2016,
	title = {Deep {Residual} {Learning} for {Image} {Recognition}},
	booktitle = {Proceedings of the {IEEE} {Conference} on {Computer} {Vision} and {Pattern} {Recognition}},
	author = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
	year = {2016},
	pages = {770--778},
}

@article{schmidhuber_deep_2015,
	title = {Deep learning in neural networks: {An} overview},
	volume = {61},
	journal = {Neural Networks},
	author = {Schmidhuber, Jürgen},
	year = {2015},
	pages = {85--117},
}

@article{mnih_human_2015,
	title = {Human-level control through deep reinforcement learning},
	volume = {518},
	number = {7540},
	journal = {Nature},
	author = {Mnih, Volodymyr and Kavukcuoglu, Koray and Silver, David and others},
	year = {2015},
	pages = {529--533},
}

@misc{ba_layer_2016,
	title = {Layer {Normalization}},
	url = {http://arxiv.org/abs/1607.06450},
	publisher = {arXiv},
	author = {Ba, Jimmy Lei and Kiros, Jamie Ryan and Hinton, Geoffrey E.},
	year = {2016},
	note = {arXiv:1607.06450 [cs, stat]},
}

@misc{sutskever_talk_2014,
	title = {Sequence to Sequence Learning with Neural Networks: the Talk},
	howpublished = {Talk at the NIPS 2014 workshop},
	author = {Sutskever, Ilya and Łukasiewicz, Józef and Ñúñez, José},
	year = {2014},
}
"""
# (id, kind of work, venue) of each, as the list keeps it
KEPT = {
    "2008-graves-supervised-sequence": ("thesis", "Technische Universität München"),
    "1970-linnainmaa-representation-cumulative": ("thesis", "University of Helsinki"),
    "2009-krizhevsky-learning-multiple": ("report", "University of Toronto"),
    "2016-goodfellow-deep-learning": ("book", "MIT Press"),
    "1998-lecun-efficient-backprop": ("chapter", "Neural Networks: Tricks of the Trade"),
    "2016-he-deep-residual": (
        "paper-conference",
        "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
    ),
    "2015-schmidhuber-deep-learning": ("article-journal", "Neural Networks"),
    "2015-mnih-human-level-control": ("article-journal", "Nature"),
    "2016-ba-layer-normalization": ("article", ""),  # a @misc of arXiv and no venue: a preprint, stored as one
    "2014-sutskever-sequence-sequence": ("article", "Talk at the NIPS 2014 workshop"),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PaperRecord]:
    """A list of its own (the 49 papers' eras, none of their papers) with the Zotero file imported, as records."""
    root = tmp_path_factory.mktemp("round")
    corpus = root / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", corpus / "eras.yaml")
    (root / "zotero.bib").write_text(ZOTERO_BIB, encoding="utf-8")
    plan = run_import(root / "zotero.bib", corpus, ImportOptions(era="nearest"))
    assert plan.count("add") == len(KEPT), plan.summary()
    return {r["id"]: r for r in corpus_records(load_corpus(corpus))[0]}


def test_an_import_keeps_each_kinds_venue(imported: dict[str, PaperRecord]) -> None:
    """A thesis's school, a report's institution, a book's publisher (not its series), a talk's howpublished."""
    kept = {pid: (r.get("type", ""), r.get("venue", "")) for pid, r in imported.items()}
    assert kept == KEPT
    assert imported["2009-krizhevsky-learning-multiple"].get("issue") == "TR-2009"  # a report's number
    assert imported["2014-sutskever-sequence-sequence"]["authors"][1:] == ["Józef Łukasiewicz", "José Ñúñez"]


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_what_cite_writes_reads_back_as_it_was(imported: dict[str, PaperRecord], fmt: str) -> None:
    """Each paper cited, then read back: the same kind, venue, numbers, authors and et al. (which RIS cannot say)."""
    text = cite(list(imported.values()), fmt)
    read = list(read_bibtex(text) if fmt == "bibtex" else read_csl(text) if fmt == "csl-json" else read_ris(text))
    assert all(isinstance(e, Incoming) for e in read), read
    for back in (e for e in read if isinstance(e, Incoming)):
        record = imported[back.name]
        kind, venue = KEPT[back.name]
        assert back.type in (kind, placed(record).kind) and back.venue == venue, (fmt, back.name)
        assert (back.volume, back.issue, back.pages) == tuple(record.get(k, "") for k in ("volume", "issue", "pages"))
        assert list(back.authors) == record["authors"], back.name
        assert back.et_al == (bool(record.get("et_al")) and fmt != "ris"), back.name  # RIS cannot say "others"
        assert (back.title, back.year) == (record["title"], record["year"])


def test_a_book_is_cited_by_its_publisher_in_every_format(imported: dict[str, PaperRecord]) -> None:
    book, thesis = imported["2016-goodfellow-deep-learning"], imported["2008-graves-supervised-sequence"]
    bib = cite([book, thesis], "bibtex")
    assert "publisher = {MIT Press}" in bib and "series" not in bib
    assert "@phdthesis{2008-graves" in bib and "school = {Technische Universität München}" in bib
    items = json.loads(cite([book, thesis], "csl-json"))
    assert [(i["type"], i.get("publisher"), i.get("container-title")) for i in items] == [
        ("book", "MIT Press", None),
        ("thesis", "Technische Universität München", None),
    ]
    ris = cite([book], "ris")
    assert "TY  - BOOK" in ris and "PB  - MIT Press" in ris and "T2  -" not in ris
    harvard = cite([book], "text")
    assert "MIT Press" in harvard and "“Deep Learning”" not in harvard.replace("Deep Learning. ", "")


ZOTERO_RIS = """\ufeffTY  - JOUR
TI  - Human-level control through deep reinforcement learning
AU  - Mnih, Volodymyr
AU  - Kavukcuoglu, Koray
T2  - Nature
JO  - Nature
VL  - 518
IS  - 7540
SP  - 529
EP  - 533
DA  - 2015/02/26/
PY  - 2015
DO  - 10.1038/nature14236
AB  - The theory of reinforcement learning provides a normative account,
deeply rooted in psychological perspectives on animal behaviour.
ER  -

TY  - CHAP
TI  - Efficient BackProp
AU  - LeCun, Yann
AU  - Bottou, Léon
T2  - Neural Networks: Tricks of the Trade
T3  - Lecture Notes in Computer Science
PB  - Springer
SP  - 9
EP  - 50
PY  - 1998
ER  -

TY  - THES
TI  - Supervised Sequence Labelling with Recurrent Neural Networks
AU  - Graves, Alex
PB  - Technische Universität München
M3  - PhD Thesis
PY  - 2008
ER  -

TY  - GEN
TI  - WaveNet: A Generative Model for Raw Audio
AU  - van den Oord, Aäron
AU  - Dieleman, Sander
UR  - http://arxiv.org/abs/1609.03499
N1  - arXiv:1609.03499 [cs]
PY  - 2016
ER  -
""".replace("ER  -\n", "ER  - \n")  # as Zotero ends a record, with a space


def test_a_zotero_ris_export_is_told_from_its_first_line_and_read_as_the_other_formats_are(tmp_path: Path) -> None:
    (tmp_path / "zotero.ris").write_text(ZOTERO_RIS, encoding="utf-8")
    fmt, entries = read_source(tmp_path / "zotero.ris", None, [])
    dqn, backprop, thesis, wavenet = list(entries)
    assert fmt == "ris" and all(isinstance(e, Incoming) for e in (dqn, backprop, thesis, wavenet))
    assert isinstance(dqn, Incoming) and (dqn.type, dqn.venue, dqn.volume, dqn.issue, dqn.pages, dqn.doi) == (
        "article-journal",
        "Nature",
        "518",
        "7540",
        "529-533",
        "10.1038/nature14236",
    )
    assert dqn.summary.endswith("account, deeply rooted in psychological perspectives on animal behaviour.")
    assert isinstance(backprop, Incoming) and (backprop.type, backprop.venue, backprop.pages) == (
        "chapter",
        "Neural Networks: Tricks of the Trade",
        "9-50",
    )
    assert backprop.authors == ("Yann LeCun", "Léon Bottou") and backprop.line == 18
    assert isinstance(thesis, Incoming) and (thesis.type, thesis.venue) == ("thesis", "Technische Universität München")
    assert isinstance(wavenet, Incoming) and (wavenet.type, wavenet.venue, wavenet.arxiv) == (
        "article",
        "",
        "1609.03499",
    )
    assert wavenet.authors[0] == "Aäron van den Oord"


def test_a_broken_ris_record_is_named_by_its_line() -> None:
    broken = "TY  - JOUR\nTI  - A\nAU  - B, C\nPY  - 2001\n\nTY  - JOUR\nTI  - D\nAU  - E, F\nPY  - 2002\nER  -\n"
    first, second = read_ris(broken)
    assert isinstance(first, BadEntry) and (first.line, first.field) == (1, "ER") and "never ended" in first.message
    assert isinstance(second, Incoming) and (second.line, second.title, second.authors) == (6, "D", ("F E",))
    (stray,) = read_ris("a line of no record\n")
    assert isinstance(stray, BadEntry) and stray.line == 1 and "not inside a record" in stray.message


ARXIV_ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?id_list%3D1706.03762" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=1706.03762,1607.06450</title>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">2</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/1706.03762v7</id>
    <updated>2023-08-02T00:41:18Z</updated>
    <published>2017-06-12T17:57:34Z</published>
    <title>Attention Is All You
  Need</title>
    <summary>  The dominant sequence transduction models are based on complex recurrent or
convolutional neural networks &amp; more.
</summary>
    <author>
      <name>Ashish Vaswani</name>
    </author>
    <author>
      <name>Łukasz Kaiser</name>
      <arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom">Google Brain</arxiv:affiliation>
    </author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">15 pages, 5 figures</arxiv:comment>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">Advances in Neural Information Processing Systems 30 (2017)</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/1706.03762v7" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/1607.06450v1</id>
    <published>2016-07-21T19:57:52Z</published>
    <title>Layer Normalization</title>
    <summary>Training state-of-the-art, deep neural networks is computationally expensive.</summary>
    <author><name>Jimmy Lei Ba</name></author>
    <author><name>Jamie Ryan Kiros</name></author>
    <author><name>Geoffrey E. Hinton</name></author>
    <arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">10.48550/arXiv.1607.06450</arxiv:doi>
  </entry>
</feed>
"""


def test_an_arxiv_atom_feed_is_told_from_its_namespace_and_read_as_arxivs_metadata_is(tmp_path: Path) -> None:
    (tmp_path / "query.xml").write_text(ARXIV_ATOM, encoding="utf-8")
    fmt, entries = read_source(tmp_path / "query.xml", None, [])
    transformer, layernorm = list(entries)
    assert fmt == "arxiv-atom" and isinstance(transformer, Incoming) and isinstance(layernorm, Incoming)
    assert (transformer.name, transformer.arxiv, transformer.year, transformer.line) == (
        "1706.03762",
        "1706.03762",
        2017,
        6,
    )
    assert transformer.title == "Attention Is All You Need" and transformer.authors == (
        "Ashish Vaswani",
        "Łukasz Kaiser",
    )
    assert transformer.summary.endswith("recurrent or convolutional neural networks & more.")
    assert transformer.venue == "Advances in Neural Information Processing Systems 30 (2017)"
    assert transformer.url == "https://arxiv.org/abs/1706.03762"
    assert (layernorm.doi, layernorm.venue, layernorm.type) == ("10.48550/arXiv.1607.06450", "", "article")


def test_an_atom_feed_with_a_doctype_or_an_error_entry_or_broken_xml_is_refused_by_line() -> None:
    (refused,) = read_atom('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaa">]>\n<feed/>')
    assert isinstance(refused, BadEntry) and refused.line == 2 and "document type" in refused.message
    error = ARXIV_ATOM.split("<entry>")[0] + (
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1706.0376</id><title>Error</title>"
        "<summary>incorrect id format for 1706.0376</summary></entry></feed>"
    )
    (bad,) = read_atom(error)
    assert (
        isinstance(bad, BadEntry) and bad.message == "arXiv answered with an error: incorrect id format for 1706.0376"
    )
    first, broken = read_atom(ARXIV_ATOM.replace("<title>Layer Normalization</title>", "<title>Layer"))
    assert isinstance(first, Incoming) and isinstance(broken, BadEntry) and broken.line > 30
    assert "nothing after it could be read" in broken.message


def test_the_short_style_numbers_a_report_without_an_empty_volume(imported: dict[str, PaperRecord]) -> None:
    report = cite([imported["2009-krizhevsky-learning-multiple"]], "text", "short")
    assert report.rstrip().endswith("Tiny Images. University of Toronto, no. TR-2009."), report


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csl-json"])
def test_a_list_exported_and_imported_into_a_new_list_keeps_every_papers_id(tmp_path: Path, fmt: str) -> None:
    """``cite`` names each entry by its paper's id (RIS's ``ID``, the BibTeX key, the CSL id): read back into a list
    that has none of the papers, each is added under that id, not one made anew from its title."""
    records = corpus_records(load_corpus(CORPUS))[0]
    corpus = tmp_path / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", corpus / "eras.yaml")
    (tmp_path / "list.txt").write_text(cite(records, fmt), encoding="utf-8")
    plan = run_import(tmp_path / "list.txt", corpus, ImportOptions(format=fmt, era="nearest"))
    assert plan.count("add") == len(records), plan.summary()
    assert sorted(p.id for p in load_corpus(corpus).papers) == sorted(r["id"] for r in records)


def test_a_name_that_is_no_id_this_list_makes_or_one_a_paper_has_is_not_the_new_papers_id(tmp_path: Path) -> None:
    """EndNote's record number, Google Scholar's key, and an id another paper has: the id is made from the entry."""
    corpus = tmp_path / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", corpus / "eras.yaml")
    (tmp_path / "a.ris").write_text(
        "TY  - JOUR\nID  - 123\nTI  - Deep Residual Learning\nAU  - He, Kaiming\nPY  - 2016\nER  - \n\n"
        "TY  - JOUR\nID  - he2016deep\nTI  - Identity Mappings\nAU  - He, Kaiming\nPY  - 2016\nER  - \n\n"
        "TY  - JOUR\nID  - 2016-he-deep-residual\nTI  - Another Paper\nAU  - He, Kaiming\nPY  - 2016\nER  - \n",
        encoding="utf-8",
    )
    run_import(tmp_path / "a.ris", corpus, ImportOptions(era="nearest"))
    assert sorted(p.id for p in load_corpus(corpus).papers) == [
        "2016-he-another-paper",
        "2016-he-deep-residual",
        "2016-he-identity-mappings",
    ]


ATOM_PUBLISHED = {  # an entry's arxiv:journal_ref, and the kind of work it makes the paper
    "Advances in Neural Information Processing Systems 30 (2017)": "paper-conference",
    "Proc. ICLR 2015": "paper-conference",
    "ICML 2015": "paper-conference",
    "Nature 518, 529-533 (2015)": "article-journal",
    "Proceedings of the National Academy of Sciences 79(8), 2554-2558 (1982)": "article-journal",  # PNAS
    "Proceedings of the IEEE 86(11), 2278-2324 (1998)": "article-journal",
    "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR), 2016": "paper-conference",
    "Transactions of the ACL 5 (2017)": "article-journal",
    "Journal of Machine Learning Research 15(56):1929-1958, 2014": "article-journal",
}


@pytest.mark.parametrize("ref", ATOM_PUBLISHED)
def test_an_arxiv_entry_with_a_journal_ref_was_published_as_the_ref_says(ref: str) -> None:
    """arXiv's ``journal_ref`` is where the paper was published: a proceedings' name a conference paper, any other
    a journal article; in the Atom feed as in the bulk metadata. An entry with none is a preprint ("article", CSL's)."""
    feed = ARXIV_ATOM.replace("Advances in Neural Information Processing Systems 30 (2017)", ref)
    transformer, layernorm = read_atom(feed)
    assert isinstance(transformer, Incoming) and (transformer.venue, transformer.type) == (ref, ATOM_PUBLISHED[ref])
    assert isinstance(layernorm, Incoming) and layernorm.type == "article"
    line = {"id": "1706.03762", "title": "Attention", "authors": "Ashish Vaswani", "journal-ref": ref}
    (bulk,) = read_arxiv([(1, json.dumps(line).encode())])
    assert isinstance(bulk, Incoming) and (bulk.venue, bulk.type) == (ref, ATOM_PUBLISHED[ref])


def test_a_masters_thesis_is_cited_as_one_in_every_format(imported: dict[str, PaperRecord]) -> None:
    """BibTeX has ``@mastersthesis``; CSL-JSON says so in a thesis's ``genre``, RIS in its ``M3`` (type of work)."""
    masters, phd = imported["1970-linnainmaa-representation-cumulative"], imported["2008-graves-supervised-sequence"]
    bib = cite([masters, phd], "bibtex")
    assert "@mastersthesis{1970-linnainmaa" in bib and "@phdthesis{2008-graves" in bib
    items = json.loads(cite([masters, phd], "csl-json"))
    assert [(i["type"], i.get("genre")) for i in items] == [("thesis", "Master's thesis"), ("thesis", "PhD Thesis")]
    ris = cite([masters], "ris")
    assert "TY  - THES" in ris and "M3  - Master's thesis" in ris
    assert "Master's thesis. University of Helsinki." in cite([masters], "text")  # Cite Them Right sets the genre
    assert cite([masters], "text", "short").rstrip().endswith("Master's thesis, University of Helsinki.")
    assert published(masters) == "Master's thesis, University of Helsinki"  # ``show``'s line of where it appeared
    for fmt in ("bibtex", "csl-json", "ris"):
        text = cite([masters], fmt)
        (back,) = read_bibtex(text) if fmt == "bibtex" else read_csl(text) if fmt == "csl-json" else read_ris(text)
        assert isinstance(back, Incoming) and (back.type, back.genre) == ("thesis", "Master's thesis"), fmt


def test_a_thesis_says_its_degree_as_the_reference_manager_wrote_it() -> None:
    """biblatex's ``@thesis`` with ``type = {mathesis}``, a Zotero RIS thesis's ``M3``, a CSL thesis's ``genre``."""
    (biblatex,) = read_bibtex("@thesis{k, title={T}, author={A B}, year={1990}, type={mathesis}, institution={U}}")
    assert isinstance(biblatex, Incoming) and (biblatex.type, biblatex.genre, biblatex.venue) == (
        "thesis",
        "Master's thesis",
        "U",
    )
    (ris,) = read_ris("TY  - THES\nTI  - T\nAU  - B, A\nPY  - 1990\nPB  - U\nM3  - M.Sc. thesis\nER  - \n")
    assert isinstance(ris, Incoming) and ris.genre == "M.Sc. thesis"
    (csl,) = read_csl(
        '[{"type": "thesis", "title": "T", "author": [{"family": "B"}], "issued": {"date-parts": '
        '[[1990]]}, "genre": "PhD dissertation"}]'
    )
    assert isinstance(csl, Incoming) and csl.genre == "PhD dissertation"


def test_a_degree_is_told_by_its_own_words_and_said_once(imported: dict[str, PaperRecord]) -> None:
    """ "master" starts a word ("Webmaster" is none), a doctor's degree named beside a master's wins, and BibTeX's
    ``type`` is left out where the entry type says the degree in another case ("PhD Thesis": ``@phdthesis``)."""
    assert venues.is_masters("M.Sc. thesis") and venues.is_masters("Master's thesis")
    assert not venues.is_masters("Webmaster guide") and not venues.is_masters("PhD thesis (M.Sc. 1998)")
    assert venues.is_masters("MSc dissertation") and venues.is_masters("Master thesis, Doctoral School of Engineering")
    phd = imported["2008-graves-supervised-sequence"]
    assert phd.get("genre") == "PhD Thesis"  # as Zotero writes it
    bib = cite([phd], "bibtex")
    assert "@phdthesis{" in bib and "type " not in bib
    no_school: PaperRecord = {**phd, "venue": ""}
    assert cite([no_school], "text", "short").rstrip().endswith(". PhD Thesis.")  # the degree, with no school named


def test_a_file_of_another_format_read_as_ris_is_one_problem_not_one_a_line() -> None:
    """Text outside any record is one bad entry for each run of it, named by its first line and how far it runs."""
    bib = "@article{k,\n  title = {T},\n\n  year = {2001},\n}\n"
    (stray,) = read_ris(bib)
    assert isinstance(stray, BadEntry) and stray.line == 1
    assert stray.message == (
        "not inside a record (each starts with a 'TY  - ' line): '@article{k,' (and 3 more lines to line 5)"
    )
    between = "junk\nTY  - JOUR\nTI  - A\nAU  - B, C\nPY  - 2001\nER  - \nmore junk\n"
    first, record, last = read_ris(between)
    assert isinstance(first, BadEntry) and first.line == 1 and first.message.endswith("'junk'")
    assert isinstance(record, Incoming) and isinstance(last, BadEntry) and last.line == 7


def test_a_file_none_of_whose_entries_can_be_imported_does_not_offer_to_import_the_rest(tmp_path: Path) -> None:
    """A BibTeX file imported as RIS: nothing to import with --skip-bad, so the error offers it not; a file with a
    good entry does."""
    corpus = tmp_path / "corpus"
    (corpus / "papers").mkdir(parents=True)
    shutil.copy(CORPUS / "eras.yaml", corpus / "eras.yaml")
    (tmp_path / "refs.bib").write_text(ZOTERO_BIB, encoding="utf-8")
    with pytest.raises(ImportFileError) as wrong:
        run_import(tmp_path / "refs.bib", corpus, ImportOptions(format="ris"))
    head = str(wrong.value).splitlines()[0]
    assert head == f"{tmp_path / 'refs.bib'}: no entry of it can be imported as ris, so nothing was (fix them):"
    (tmp_path / "some.ris").write_text(ZOTERO_RIS + "\nstray text\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as some:
        run_import(tmp_path / "some.ris", corpus, ImportOptions(era="nearest"))
    assert "1 entry cannot be imported" in str(some.value) and "--skip-bad" in str(some.value)
    assert not list((corpus / "papers").iterdir())
