"""Cross-reference extraction: quality against hand labels, each citation form, edge kinds, titles, particle surnames."""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import replace
from pathlib import Path

import pytest

import synth_corpus
from papersearch.core import names
from papersearch.core.models import Concept, EdgeOverride, Paper
from papersearch.corpus.load import load_corpus
from papersearch.graph import lexicon
from papersearch.graph.extract import build_graph, extract, find_citations
from papersearch.graph.neighbours import neighbourhoods

from .conftest import CORPUS

LABELS = Path(__file__).parent / "data" / "xref_labels.json"
DOCS = Path(__file__).parents[1] / "docs" / "graph.md"


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(CORPUS)


def _pr(found: set[tuple[str, ...]], truth: set[tuple[str, ...]]) -> tuple[float, float]:
    tp = len(found & truth)
    return (tp / len(found) if found else 1.0, tp / len(truth) if truth else 1.0)


def _of(edges: set[tuple[str, str, str]], kind: str) -> set[tuple[str, ...]]:
    return {(s, t) for s, t, k in edges if k == kind}


def as_stored(labels: dict[str, dict[str, list[dict[str, str]]]], years: dict[str, int]) -> set[tuple[str, str, str]]:
    """The labels (what each entry's text refers to) as the graph stores them: each from the later paper to the
    earlier, and one edge a pair, the stronger ("cites") when a look-ahead and the later entry's words disagree."""
    stored: dict[tuple[str, str], str] = {}
    for source, v in labels.items():
        for t in v["internal"]:
            pair = (t["target"], source) if years[t["target"]] > years[source] else (source, t["target"])
            stored[pair] = min(stored.get(pair, t["kind"]), t["kind"])  # "cites" < "mentions"
    return {(s, t, kind) for (s, t), kind in stored.items()}


def test_extraction_quality_against_hand_labels(corpus) -> None:  # type: ignore[no-untyped-def]
    """Every entry's edges (with their kind) and outside references, against labels written from its text."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    assert set(labels) == {p.id for p in corpus.papers}
    assert {t["kind"] for v in labels.values() for t in v["internal"]} == {"cites", "mentions"}
    graph = build_graph(corpus.papers)
    found = {(e.source, e.target, e.kind) for e in graph.edges}
    truth = as_stored(labels, {p.id: p.year for p in corpus.papers})
    assert len(graph.edges) == len(found) == len(truth)  # one edge a pair: three look-aheads told by the later entry
    external = {(x.paper, x.ref) for x in graph.external}
    truth_external = {(s, t["ref"]) for s, v in labels.items() for t in v["external"]}
    scores = {
        "cites": _pr(_of(found, "cites"), _of(truth, "cites")),
        "mentions": _pr(_of(found, "mentions"), _of(truth, "mentions")),
        "internal": _pr({(s, t) for s, t, _ in found}, {(s, t) for s, t, _ in truth}),
        "external": _pr(external, truth_external),
    }
    sizes = {"cites": len(_of(truth, "cites")), "mentions": len(_of(truth, "mentions"))}
    sizes |= {"internal": len(truth), "external": len(truth_external)}
    print("; ".join(f"{k} P={p:.3f} R={r:.3f} ({sizes[k]} labels)" for k, (p, r) in scores.items()))
    wrong = (sorted(found ^ truth), sorted(external ^ truth_external))
    # the floors: cites precision >= 0.95 and recall >= 0.90, outside references recall >= 0.95
    assert scores["cites"][0] >= 0.95 and scores["cites"][1] >= 0.90, wrong
    assert scores["external"][1] >= 0.95, wrong
    assert min(*scores["mentions"], *scores["internal"], scores["external"][0]) >= 0.9, wrong


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Also see Fukushima (1980) for an early variant.", ["Fukushima 1980"]),
        ("tricks such as Dropout (Srivastava, 2014; Hinton, 2012), run", ["Srivastava 2014", "Hinton 2012"]),
        ("See Bottou (1998) and Bottou (2010) for newer discussions", ["Bottou 1998", "Bottou 2010"]),
        ("an open area: see Hui 2021 and Golik 2013.)", ["Hui 2021", "Golik 2013"]),
        ("advanced in a book by Rumelhart, McClelland, and Hinton (1986), and", ["Rumelhart 1986"]),
        (
            "Solla et al., John Hopfield (1987), and Eric Baum and Frank Wilczek (1988) describe",
            ["Hopfield 1987", "Baum 1988"],
        ),
        ("guidance (Ho and Salimans, 2022), stacking", ["Ho 2022"]),
        ("VQ-VAE (van den Oord, 2017) can", ["van den Oord 2017"]),
        ("Van den Oord et al. (2016) show", ["Van den Oord 2016"]),
        ("as Aäron van den Oord (2016) shows", ["van den Oord 2016"]),
        ("Bayesian optimisation (Shahriari and de Freitas, 2016), and", ["Shahriari 2016"]),
        ("see Nando de Freitas (2016) and (de Freitas et al., 2015)", ["de Freitas 2016", "de Freitas 2015"]),
        ("Le Cun (1989) and Yann Le Cun (1990) and LeCun (1998)", ["Le Cun 1989", "Le Cun 1990", "LeCun 1998"]),
        ("Quoc Le (2011), (Le, 2012) and Hinton and Le (2013)", ["Le 2011", "Le 2012", "Hinton 2013"]),
        ("from John von Neumann (1945) to Von Neumann (1958)", ["von Neumann 1945", "Von Neumann 1958"]),
        ("Di He (2016) shows", ["He 2016"]),
        ("Since Alan Turing’s 1950 imitation game, dialog", ["Turing 1950"]),
        ("Wei et al. (2022b) observe", ["Wei 2022b"]),
        ("They win the Nobel Prize in 1981. By 2025, capital", []),
    ],
)
def test_citation_forms(text: str, refs: list[str]) -> None:
    assert [c.ref("Self") for c in find_citations(text)] == refs


def test_year_citation_with_other_coauthors_is_a_different_work(corpus) -> None:  # type: ignore[no-untyped-def]
    hinton = corpus.by_id()["1981-hinton-distributed-representation"]
    edges, external = extract(hinton, corpus.papers)
    assert "1986-rumelhart-backpropagation" not in {e.target for e in edges}
    assert "Rumelhart 1986" in {x.ref for x in external}


def test_names_without_year_and_named_contributions(corpus) -> None:  # type: ignore[no-untyped-def]
    by_id = corpus.by_id()
    lecun, _ = extract(by_id["1989-lecun-cnn"], corpus.papers)
    assert ("1959-hubel-visual-cortex", "cites") in {(e.target, e.kind) for e in lecun}
    diffusion, _ = extract(by_id["2015-sohl-dickstein-diffusion-models"], corpus.papers)
    targets = {e.target for e in diffusion}
    assert "2013-kingma-vae" in targets  # "Kingma’s VAEs": the VAE entry, not Adam
    assert "2015-kingma-adam" not in targets
    # "Hinton’s Wake-Sleep method" names no Hinton entry: left unresolved, not guessed
    assert not targets & {"1981-hinton-distributed-representation", "2005-hinton-deep-belief-networks"}
    rombach, _ = extract(by_id["2022-rombach-latent-diffusion"], corpus.papers)
    assert ("2021-radford-clip", "cites") in {(e.target, e.kind) for e in rombach}


def _kinds(paper: Paper, papers: list[Paper]) -> dict[str, str]:
    return {e.target: e.kind for e in extract(paper, papers)[0]}


def test_named_models_are_cited_until_they_are_everyday_words(corpus) -> None:  # type: ignore[no-untyped-def]
    """The model or method an entry introduced is cited; vocabulary that became everyday later is mentioned."""
    by_id, papers = corpus.by_id(), list(corpus.papers)
    assert _kinds(by_id["1989-cybenko-universal-approximation"], papers)["1958-rosenblatt-perceptron"] == "cites"
    assert _kinds(by_id["2010-vincent-denoising-autoencoders"], papers)["2005-hinton-deep-belief-networks"] == "cites"
    assert _kinds(by_id["2022-rombach-latent-diffusion"], papers)["2015-sohl-dickstein-diffusion-models"] == "cites"
    # backpropagation: LeCun's 1989 network is trained by the new method; in 2010 it is how every net is trained
    rumelhart = "1986-rumelhart-backpropagation"
    assert _kinds(by_id["1989-lecun-cnn"], papers)[rumelhart] == "cites"
    assert _kinds(by_id["2010-glorot-xavier-initialization"], papers)[rumelhart] == "mentions"
    # a term the entry did not coin is a mention in any year ("Iterating an RNN", 1997)
    assert _kinds(by_id["1997-hochreiter-lstm"], papers)["1990-elman-rnn"] == "mentions"


def test_every_year_in_generic_is_explained_in_the_docs(corpus) -> None:  # type: ignore[no-untyped-def]
    """A concept's year is a judgement: docs/graph.md gives each one its reason, and must list exactly those."""
    rows = re.findall(r"^\| `([\w-]+)` \| ([^|]+?) \| (\d{4}) \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    documented = {(pid, name, int(year)) for pid, name, year in rows}
    years = {(p.id, c.name, c.generic) for p in corpus.papers for c in p.concepts if not isinstance(c.generic, bool)}
    assert documented and documented == years


def _paper(pid: str, year: int, author: str, summary: str, *concepts: Concept, title: str = "") -> Paper:
    return Paper(pid, year, title or pid, (author,), "e", "?", summary, concepts)


@pytest.mark.parametrize(
    ("generic", "kinds"),
    [(False, ("cites", "cites")), (True, ("mentions", "mentions")), (1995, ("cites", "mentions"))],
)
def test_generic_says_when_a_term_becomes_a_mention(generic: bool | int, kinds: tuple[str, str]) -> None:
    origin = _paper(
        "a", 1986, "Ann Root", "Root proposes backprop.", Concept("Backprop", ("backprop",), generic=generic)
    )
    early = _paper("b", 1990, "Bo Early", "Early trains by backprop.")
    late = _paper("c", 2010, "Cy Late", "Late trains by backprop, as everyone does.")
    papers = [origin, early, late]
    assert (_kinds(early, papers)["a"], _kinds(late, papers)["a"]) == kinds
    edge = _paper("d", 1995, "Di Edge", "Edge uses backprop.")
    assert _kinds(edge, [*papers, edge])["a"] == kinds[1]  # from that very year


def test_a_title_carries_references(corpus) -> None:  # type: ignore[no-untyped-def]
    by_id, papers = corpus.by_id(), list(corpus.papers)
    bert = {e.target: e for e in extract(by_id["2019-devlin-bert"], papers)[0]}
    # "… Deep Bidirectional Transformers …": BERT's own term holds the Transformer's, and the title is the evidence
    assert bert["2017-vaswani-transformer"].kind == "cites"
    assert bert["2017-vaswani-transformer"].evidence == by_id["2019-devlin-bert"].title
    assert _kinds(by_id["2014-zeiler-visualizing-convnets"], papers)["1989-lecun-cnn"] == "mentions"
    # a title is read in any case: "Back-Propagation" is the entry's "back-propagation"
    lecun = replace(by_id["1989-lecun-cnn"], summary="LeCun reads digits.")
    assert _kinds(lecun, papers) == {"1986-rumelhart-backpropagation": "cites"}


def test_own_terms_do_not_hide_another_entrys_term() -> None:
    transformer = _paper("t", 2017, "Ann Vee", "Vee proposes it.", Concept("Transformer", ("transformer",)))
    bert = _paper(
        "b", 2019, "Jo Dee", "Dee trains a bidirectional transformer.", Concept("BERT", ("bidirectional transformer",))
    )
    edges, _ = extract(bert, [transformer, bert])
    assert [(e.target, e.kind, e.evidence) for e in edges] == [("t", "cites", "Dee trains a bidirectional transformer")]


def test_particle_surnames_of_entries_and_of_outside_works() -> None:
    wavenet = _paper("2016-oord", 2016, "Aäron van den Oord", "Audio.")
    lenet = _paper("1998-lecun", 1998, "Yann Le Cun", "Digits.")
    bayes = replace(
        _paper("2015-freitas", 2015, "Nando de Freitas", "Tuning."), authors=("Nando de Freitas", "Bo Shah")
    )
    edvac = _paper("1945-neumann", 1945, "John von Neumann", "Stored programs.")
    entries = [wavenet, lenet, bayes, edvac]
    citing = _paper(
        "2020-doe",
        2020,
        "Jane Doe",
        "Van den Oord et al. (2016) generate audio and LeCun (1998) reads digits, tuned as in "
        "(de Freitas and Shah, 2015); the ideas of von Neumann and Le Cun’s nets underlie it all. "
        "Also see Lucas van der Berg (2019) and De Boer (2005).",
    )
    edges, external = extract(citing, [*entries, citing])
    assert {e.target: e.kind for e in edges} == {p.id: "cites" for p in entries}
    assert [x.ref for x in external] == ["van der Berg 2019", "De Boer 2005"]
    bare = _paper("2021-roe", 2021, "Rita Roe", "Roe extends the audio model of van den Oord and the nets of LeCun.")
    assert {e.target for e in extract(bare, [*entries, bare])[0]} == {"2016-oord", "1998-lecun"}
    # an entry's own particle surname is its own: no edge to itself, no outside "Oord 2016"
    own = replace(wavenet, summary="Van den Oord (2016) and van den Oord’s audio.")
    assert extract(own, entries) == ([], [])


@pytest.mark.parametrize(
    ("author", "surname"),
    [
        ("Aäron van den Oord", "van den Oord"),
        ("George van den Driessche", "van den Driessche"),
        ("Nando de Freitas", "de Freitas"),
        ("Yann Le Cun", "Le Cun"),
        ("Yann LeCun", "LeCun"),
        ("John von Neumann", "von Neumann"),
        ("Le Song", "Song"),
        ("Di Neil", "Neil"),
        ("Rodrigo Quian Quiroga", "Quiroga"),
        ("DeepSeek AI", "DeepSeek"),
        ("Léon Bottou", "Bottou"),
    ],
)
def test_author_surnames_keep_their_particles(author: str, surname: str) -> None:
    assert names.author_surname(author) == surname
    assert names.name_key(surname) in {names.name_key(s) for s in names.spellings(surname)}


def test_spellings_of_a_particle_surname_share_one_key() -> None:
    assert names.spellings("van den Oord") == ("van den Oord", "Van den Oord")
    assert names.spellings("LeCun") == ("LeCun", "Le Cun")
    assert names.spellings("Le Cun") == ("Le Cun", "LeCun")
    assert names.spellings("DeepSeek") == ("DeepSeek",)
    assert len({names.name_key(s) for s in ("Le Cun", "LeCun", "le cun", "O’Neil", "O'Neil")}) == 2
    assert names.name_key("Žídek") == names.name_key("Zidek") == "zidek"
    assert names.name_key("Hinton’s") == names.name_key("Hinton's") == "hinton"


def test_one_particle_list_for_entries_outside_works_and_answers() -> None:
    """ "ten" and "des" are particles wherever a surname is found: an author, a citation, a citation in an answer."""
    assert names.author_surname("Jan ten Brink") == "ten Brink" == names.cited_name("Jan ten Brink")
    assert names.author_surname("Anne des Rosiers") == "des Rosiers"
    assert names.cited_name("DeepSeek AI") == "DeepSeek AI" and names.author_surname("DeepSeek AI") == "DeepSeek"
    assert names.given_names("Geoffrey E. Hinton") == ["Geoffrey", "E."]
    assert names.given_names("George van den Driessche") == ["George"] and names.given_names("DeepSeek AI") == []
    brink = _paper("2010-brink", 2010, "Jan ten Brink", "Sparse codes.")
    citing = _paper("2020-doe", 2020, "Jane Doe", "Sparse codes (ten Brink, 2010) and des Rosiers (2011) agree.")
    edges, external = extract(citing, [brink, citing])
    assert [e.target for e in edges] == ["2010-brink"] and [x.ref for x in external] == ["des Rosiers 2011"]


def test_new_paper_gets_references_without_listing_them(corpus) -> None:  # type: ignore[no-untyped-def]
    new = Paper(
        id="2026-doe-sparse-nets",
        year=2026,
        title="Sparse Nets",
        authors=("Jane Doe",),
        era="transformers-the-modern-era",
        question="Can nets be sparse?",
        summary="Building on the LSTM architecture and the attention ideas of Bahdanau, Doe prunes a CNN (Han, 2015).",
    )
    edges, external = extract(new, [*corpus.papers, new])
    got = {(e.target, e.kind) for e in edges}
    assert {
        ("1997-hochreiter-lstm", "cites"),
        ("2015-bahdanau-attention", "cites"),
        ("1989-lecun-cnn", "mentions"),
    } <= got
    assert [x.ref for x in external] == ["Han 2015"]


def test_hand_corrections_add_and_remove_edges(corpus) -> None:  # type: ignore[no-untyped-def]
    by_id = corpus.by_id()
    lecun = replace(
        by_id["1989-lecun-cnn"],
        add_edges=(EdgeOverride("1958-rosenblatt-perceptron", "cites", "perceptron lineage"),),
        remove_edges=("1986-rumelhart-backpropagation",),
    )
    edges, _ = extract(lecun, corpus.papers)
    targets = {e.target: e for e in edges}
    assert targets["1958-rosenblatt-perceptron"].evidence == "perceptron lineage"
    assert "1986-rumelhart-backpropagation" not in targets


def test_no_edge_runs_against_time_on_the_real_corpus(corpus, searcher) -> None:  # type: ignore[no-untyped-def]
    """Built in memory or by the index build (through its spool), the graph has no edge from an older paper to a
    newer one, and both builds keep the same edges."""
    years = {p.id: p.year for p in corpus.papers}
    in_memory = [(e.source, e.target, e.kind, e.evidence) for e in build_graph(corpus.papers).edges]
    indexed = [(e["source"], e["target"], e["kind"], e["evidence"]) for e in searcher.graph()["edges"]]
    assert indexed == in_memory
    assert [e for e in in_memory if years[e[0]] < years[e[1]]] == []
    assert {e[2] for e in in_memory} == {"cites", "mentions"} and len(in_memory) > 40


def test_a_look_ahead_is_an_edge_from_the_later_paper_in_the_older_summarys_words(corpus) -> None:  # type: ignore[no-untyped-def]
    by_id = corpus.by_id()
    hubel, lecun = by_id["1959-hubel-visual-cortex"], by_id["1989-lecun-cnn"]
    edges, _ = extract(hubel, corpus.papers)
    assert [(e.source, e.target, e.kind) for e in edges] == [(lecun.id, hubel.id, "cites")]
    assert edges[0].evidence == "inform the design of convolutional neural networks"
    # both entries tell the tie: the graph keeps one edge, in the later entry's own words
    graph = build_graph(corpus.papers)
    pair = [e for e in graph.edges if {e.source, e.target} == {hubel.id, lecun.id}]
    assert [(e.source, e.target) for e in pair] == [(lecun.id, hubel.id)] and "Hubel and Wiesel’s" in pair[0].evidence
    # when only the look-ahead tells it, the look-ahead is the edge, still from LeCun to Hubel
    papers = [replace(p, remove_edges=(hubel.id,)) if p.id == lecun.id else p for p in corpus.papers]
    pair = [e for e in build_graph(papers).edges if {e.source, e.target} == {hubel.id, lecun.id}]
    assert [(e.source, e.target, e.evidence) for e in pair] == [
        (lecun.id, hubel.id, "inform the design of convolutional neural networks")
    ]
    hoods = neighbourhoods(papers, build_graph(papers))
    assert [n["id"] for n in hoods[lecun.id]["cites"]][:1] == [hubel.id]


def test_a_hand_added_edge_to_a_later_paper_runs_from_it(corpus) -> None:  # type: ignore[no-untyped-def]
    hubel = replace(
        corpus.by_id()["1959-hubel-visual-cortex"],
        add_edges=(EdgeOverride("2012-krizhevsky-alexnet", "cites", "the visual cortex, in silicon"),),
    )
    edges, _ = extract(hubel, corpus.papers)
    assert ("2012-krizhevsky-alexnet", hubel.id, "the visual cortex, in silicon") in {
        (e.source, e.target, e.evidence) for e in edges
    }


def test_neighbourhoods_are_oriented_by_time(corpus) -> None:  # type: ignore[no-untyped-def]
    hoods = neighbourhoods(corpus.papers, build_graph(corpus.papers))
    # Hubel 1959 looks ahead to CNNs; LeCun 1989 builds on Hubel, not the other way round
    assert "1959-hubel-visual-cortex" in {n["id"] for n in hoods["1989-lecun-cnn"]["cites"]}
    assert "1989-lecun-cnn" in {n["id"] for n in hoods["1959-hubel-visual-cortex"]["cited_by"]}
    assert "1989-lecun-cnn" not in {n["id"] for n in hoods["1959-hubel-visual-cortex"]["cites"]}
    # both cite each other: the pair is told in LeCun's words, not in Hubel's look-ahead
    hubel = {n["id"]: n for n in hoods["1989-lecun-cnn"]["cites"]}["1959-hubel-visual-cortex"]
    assert hubel["kind"] == "cites" and "Hubel and Wiesel’s" in hubel["evidence"]
    # the Transformer entry names BERT and GPT as its successors; BERT's title names the Transformer
    assert {"2019-devlin-bert", "2018-radford-gpt-2"} <= {
        n["id"] for n in hoods["2017-vaswani-transformer"]["cited_by"]
    }
    assert "2017-vaswani-transformer" in {n["id"] for n in hoods["2019-devlin-bert"]["cites"]}


# The one-pass matcher against the regexes it stands for: one per surname and concept term.

TRICKY = [
    "O’Neil and Neil use the KERNEL TRICK, Kernel machines and KTs; K-KT, KT-2, (KT)s and KTS.",
    "x x x x; attention, attentions, Attention and attentionſ; SELF ATTENTIONS—self-attention",
    "the ſigma net, SIGMA NETS, the İso net, ıso nets and iso net; CLIPs, CLIPS, CLIP-based, CLIP",
    "Straße and STRASSE, Strasse; Cy Straße’s kernel trick (Straße, 2002)",
    "KT",
    "",
]


def _tricky_papers() -> list[Paper]:
    def paper(pid: str, year: int, author: str, name: str, aliases: tuple[str, ...], summary: str) -> Paper:
        return Paper(
            id=pid,
            year=year,
            title=name,
            authors=(author,),
            era="e",
            question="?",
            summary=summary,
            concepts=(Concept(name, aliases, generic=year % 2 == 0),),
        )

    return [
        paper("a", 2000, "Ann O’Neil", "Kernel Trick", ("KT", "kernel machine"), TRICKY[0]),
        paper("b", 2001, "Bo Neil", "Self Attention", ("x x", "attention"), TRICKY[1]),
        paper("c", 2002, "Cy Straße", "CLIP", ("sigma net", "ıso net", "iso net"), TRICKY[2]),
        paper("d", 2003, "Di Neil", "Kernel", ("Attention",), TRICKY[3]),
    ]


def _synthetic_papers(tmp: Path) -> list[Paper]:
    return list(load_corpus(synth_corpus.write_corpus(60, tmp / "synth", seed=5)).papers)


def _by_regex(text: str, lex: lexicon.Lexicon) -> tuple[dict[int, list[tuple[int, int]]], ...]:
    names = {}
    for rank, name in enumerate(lex.names):
        if spans := [m.span() for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text)]:
            names[rank] = spans
    terms = {}
    for rank, term in enumerate(lex.terms):
        if spans := [m.span() for m in lexicon.term_regex(term.text, term.case_sensitive).finditer(text)]:
            terms[rank] = spans
    return names, terms


def test_one_pass_finds_what_each_regex_finds(corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for papers in (list(corpus.papers), _synthetic_papers(tmp_path), _tricky_papers()):
        lex = lexicon.build_lexicon(papers)
        texts = [p.summary for p in papers] + TRICKY
        for text in texts:
            assert lexicon.occurrences(lexicon.scan(text), lex) == _by_regex(text, lex), text
        # the disambiguation of a bare surname: any concept term of a candidate in the sentence
        for text in TRICKY + [p.summary for p in papers[:10]]:
            scanned = lexicon.scan(text)
            for t in {t for p in papers for t in p.concept_terms()}:
                assert lexicon.mentions(scanned, t) == bool(lexicon.term_regex(t, False).search(text)), (t, text)


def test_tricky_summaries_give_the_same_graph_through_either_entry_point() -> None:
    papers = _tricky_papers()
    graph = build_graph(papers)
    one_by_one = [extract(p, papers) for p in papers]
    found = [e for edges, _ in one_by_one for e in edges]
    assert graph.edges == [e for e in found if (e.source, e.target, e.kind) != ("d", "a", "mentions")]
    assert graph.external == [x for _, refs in one_by_one for x in refs]
    # "Neil" is Di Neil: "KERNEL" is one of her terms in that sentence (in any case), none of Bo Neil's is;
    # "Attention" as written is Di Neil's, "attention" Bo Neil's own. Ann (2000) and Bo (2001) look ahead to Di
    # (2003): edges from Di's paper; Di's own words ("kernel trick") only mention Ann's, weaker than Ann's look-ahead
    assert {(e.source, e.target, e.kind) for e in found} == {
        ("d", "a", "cites"),
        ("d", "b", "cites"),
        ("d", "c", "cites"),
        ("d", "a", "mentions"),
    }
    assert {(e.source, e.target, e.kind) for e in graph.edges} == {
        ("d", "a", "cites"),
        ("d", "b", "cites"),
        ("d", "c", "cites"),
    }


def test_unicode_facts_the_one_pass_matcher_rests_on() -> None:
    every_char = array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    # a word boundary is the same with and without IGNORECASE
    assert re.sub(r"[\w\-]", "", every_char) == re.sub(r"[\w\-]", "", every_char, flags=re.IGNORECASE)
    # the only case partners of ASCII outside ASCII: ``match_key`` turns them and i, k, s into "?"
    partners = {c for c in re.findall(r"[\x00-\x7f]", every_char, re.IGNORECASE) if not c.isascii()}
    assert partners == {"İ", "ı", "ſ", "\u212a"}
    assert {lexicon.match_key(c) for c in partners | set("iksIKS")} == {"?"}
    assert set(re.findall("s", every_char, re.IGNORECASE)) == lexicon.PLURAL_CHARS
