"""An acronym the list neither writes nor spells out names something it lacks ("GNN", "SVMs", "HMM"); one it spells out
("DBNs": "deep belief networks") or writes ("LSTMs", "RLHF") keeps a question in scope. None of these are dev queries."""

from __future__ import annotations

import pytest

from papersearch.query import acronyms, scope
from papersearch.query.restate import restate
from papersearch.query.searcher import Searcher

from .test_no_match import assert_declined, evidence

# the list lacks these techniques: no word of it is the acronym, and no run of its words spells it
LACKED = ("GNN", "GNNs", "what is a GNN?", "gnns", "SVM", "what is an SVM", "kernel SVMs", "HMMs", "what is an HMM")
# the list's own acronyms, as written ("LSTMs", "RLHF") or spelt out only ("DBNs", "SRL": semantic role labeling)
HELD = (
    "DBNs",
    "what are DBNs?",
    "LSTMs",
    "CNNs",
    "RLHF",
    "VAEs",
    "GRU",
    "NMT",
    "SRL",
    "WHAT IS DEEP LEARNING",
    "what are DBNS",
)  # a plural typed in capitals: "DBN"s
# the list's acronyms that no sentence writes, only spells out ("Deep Belief Network"), asked in several ways
SPELT_ONLY = ("what is a DBN", "what are DBNs", "what's a dbn?", "WHAT ARE DBNS", "tell me about DBNs", "DBN")
# a question in another script, chat words without a vowel: no acronym the list lacks, answered
HELD_TOO = ("что такое LSTM", "hmm what is an lstm", "pls explain backprop thx")
# an everyday word the list lacks stays one when a run of its words spells it by chance ("deep network applications")
EVERYDAY_LACKED = ("what is DNA", "what is a PC", "how does a TV work")


@pytest.mark.parametrize("query", LACKED)
def test_an_acronym_the_list_neither_writes_nor_spells_out_is_declined(searcher: Searcher, query: str) -> None:
    assert_declined(searcher, query)


@pytest.mark.parametrize("query", HELD)
def test_an_acronym_the_list_writes_or_spells_out_keeps_a_question_in_scope(searcher: Searcher, query: str) -> None:
    res = searcher.search(query)
    assert not res["no_match"], (query, res["confidence"])


@pytest.mark.parametrize("query", HELD_TOO)
def test_words_that_only_look_like_acronyms_keep_a_question_in_scope(searcher: Searcher, query: str) -> None:
    res = searcher.search(query)
    assert not res["no_match"], (query, res["confidence"])
    assert not searcher.answer(query)["declined"], query


@pytest.mark.parametrize("query", EVERYDAY_LACKED)
def test_an_everyday_word_spelt_by_chance_is_still_a_word_the_list_lacks(searcher: Searcher, query: str) -> None:
    assert searcher.search(query)["no_match"], query


def test_chat_words_and_other_scripts_are_no_acronyms() -> None:
    assert acronyms.typed("hmm pls thx btw idk") == {}
    assert acronyms.typed("что такое LSTM") == {"lstm": "lstm"}
    assert acronyms.typed("gnns") == {"gnns": "gnn"}


def test_an_acronym_the_list_lacks_counts_as_a_missing_word_wherever_the_encoder_puts_it(searcher: Searcher) -> None:
    """The encoder does not know "GNN" and puts it as near the list as it puts "MLP": the letters decide, not meaning."""
    lacked, spelt = evidence(searcher, "GNN"), evidence(searcher, "DBN")
    assert lacked.everyday == 1.0 and lacked.foreign_topic() >= scope.FOREIGN_TOPIC_AT
    assert scope.fitted(lacked, words_only=False) >= scope.NO_MATCH_BELOW  # the model alone would have answered it
    assert spelt.everyday == 0.0


def test_an_acronym_is_typed_in_capitals_or_without_a_vowel() -> None:
    assert acronyms.typed("what are GNNs and svms?") == {"gnns": "gnn", "svms": "svm"}
    assert acronyms.typed("NER") == {"ner": "ner"}  # a single word in capitals is no shouting
    assert acronyms.typed("WHAT IS DEEP LEARNING") == {}  # a whole query in capitals says nothing by them
    assert acronyms.typed("NeRF, ViT and LoRA vs the rest") == {}  # mixed case, a vowel, or "vs": two lowercase letters
    assert acronyms.typed("RBS") == {"rbs": "rbs"}  # an "S" typed in capitals is the acronym's own


def test_a_run_of_words_spells_its_initials_within_a_clause_stop_words_passed_over() -> None:
    spelt = acronyms.spelt(["Long Short-Term Memory", "Reinforcement Learning from Human Feedback", "deep, belief"])
    assert {"lstm", "rlhf", "stm"} <= spelt
    assert "db" not in spelt  # a comma ends the run
    assert "rlfhf" not in spelt and "lstmr" not in spelt  # "from" passed over; two texts are never one run


@pytest.mark.parametrize("query", SPELT_ONLY)
def test_an_acronym_the_sentences_only_spell_out_is_answered_from_them(searcher: Searcher, query: str) -> None:
    """The answer reads "DBN" as the words its sentences spell it with, as the search does: it quotes Hinton's "an RBM
    called a Deep Belief Network" instead of declining, or quoting a sentence near it in meaning only."""
    a = searcher.answer(query)
    assert not a["declined"], query
    quoted = [s["text"] for s in a["sentences"] if s["id"] == "2005-hinton-deep-belief-networks"]
    assert any("Deep Belief Network" in text for text in quoted), (query, a["sentences"])


def test_a_run_spells_an_acronym_as_typed_without_the_stop_words_passed_over() -> None:
    texts = ["Previous work treats named entity recognition separately.", "Reinforcement Learning from Human Feedback"]
    assert acronyms.spelling("ner", texts) == "named entity recognition"
    assert acronyms.spelling("rlhf", texts) == "Reinforcement Learning Human Feedback"
    assert acronyms.spelling("ners", texts) == "named entity recognition"  # "NERS" typed in capitals: "NER"s
    assert acronyms.spelling("gnn", texts) is None
    assert acronyms.spelling("wt", ["work, treats"]) is None  # a comma ends the run


def test_the_answer_leaves_an_acronym_its_sentences_hold_or_nothing_spells(searcher: Searcher) -> None:
    data, sentences = searcher.data, searcher.sentences
    hinton = [data.records.row_of("2005-hinton-deep-belief-networks")]
    assert restate(data, sentences, "what is an RBM", hinton) == "what is an RBM"  # the summary writes "RBM"
    assert restate(data, sentences, "what is a GNN", hinton) == "what is a GNN"  # no run spells it
    assert restate(data, sentences, "what is a DBN", hinton) == "what is a Deep Belief Network"
    assert restate(data, sentences, "deep learning", hinton) == "deep learning"  # no acronym typed


@pytest.mark.parametrize(
    "query",
    ["what is seq2seq", "explain seq2seq to me", "how does seq2seq work?", "Seq2Seq in a nutshell"],
)
def test_a_concept_named_by_an_alias_no_sentence_holds_is_answered_from_the_papers_words(
    searcher: Searcher, query: str
) -> None:
    """Sutskever et al.'s concept "Sequence to Sequence" has the aliases "seq2seq" and "encoder-decoder"; its summary
    writes "encoder" and "decoder" but never "seq2seq": the answer scores its sentences as if the question said
    "encoder-decoder", and quotes the paper the search ranked first (it was declined)."""
    a = searcher.answer(query)
    assert not a["declined"], (query, a["confidence"])
    assert a["sources"] and a["sources"][0]["id"] == "2014-sutskever-seq2seq", a["sources"]


def test_an_alias_is_replaced_only_when_no_sentence_holds_it_and_another_name_is_held(searcher: Searcher) -> None:
    data, sentences = searcher.data, searcher.sentences
    seq2seq = [data.records.row_of("2014-sutskever-seq2seq")]
    assert restate(data, sentences, "what is seq2seq", seq2seq) == "what is encoder-decoder"
    assert restate(data, sentences, "what is an encoder-decoder", seq2seq) == "what is an encoder-decoder"  # held
    assert restate(data, sentences, "seq2seqs and cats", seq2seq) == "seq2seqs and cats"  # not the whole word


def test_two_letters_are_spelt_only_by_words_in_capitals_and_three_are_no_plural() -> None:
    texts = ["a graphical notation neural nets share", "the Turing test", "a Neural Network", "text to speech"]
    assert acronyms.spelling("nn", texts) == "Neural Network"  # not "notation neural"
    assert acronyms.spelling("tts", texts) is None  # not "Turing test" + s: three letters are no plural
    assert acronyms.spelling("tt", texts) is None  # "Turing test": not both in capitals
    assert acronyms.spelling("dbns", ["a Deep Belief Network"]) == "Deep Belief Network"  # four letters: a plural


@pytest.mark.parametrize("query", ["what is TTS", "explain TTS models"])
def test_an_acronym_the_list_spells_only_by_chance_is_not_answered_from_that_run(
    searcher: Searcher, query: str
) -> None:
    a = searcher.answer(query)
    quoted = " ".join(s["text"] for s in a["sentences"])
    assert a["declined"] or "Turing" not in quoted, (query, quoted)
