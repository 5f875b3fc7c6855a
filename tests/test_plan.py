"""Query understanding on its own: times, intents, names and concepts read from query text (pure, no index)."""

from __future__ import annotations

import pytest

from papersearch.core.names import author_surname, name_key
from papersearch.core.records import EraRecord, GraphRecord, PaperRecord
from papersearch.query.plan import build_context, concept_matches, make_plan
from papersearch.query.timespell import mended
from papersearch.query.timewords import read_time

from .conftest import DEV_FILES

ERAS: list[EraRecord] = [
    {"id": "origins", "name": "Origins of Neural Computation", "start": 1943, "end": 1969, "intro": ""},
    {"id": "backprop", "name": "The Backpropagation Revolution", "start": 1986, "end": 1991, "intro": ""},
    {"id": "explosion", "name": "The Deep Learning Explosion", "start": 2013, "end": 2015, "intro": ""},
    {"id": "transformers", "name": "Transformers & the Modern Era", "start": 2016, "end": 2025, "intro": ""},
]


def paper(pid: str, year: int, authors: list[str], concepts: list[str], cites: list[str] = ()) -> PaperRecord:  # type: ignore[assignment]
    return {
        "id": pid,
        "year": year,
        "title": pid,
        "authors": authors,
        "era": "origins",
        "era_name": "",
        "question": "",
        "summary": "",
        "concepts": [{"name": c, "aliases": []} for c in concepts],
        "references": {"cites": [], "cited_by": [], "external": [{"ref": r, "evidence": r} for r in cites]},
    }


RECORDS = [
    paper("1958-perceptron", 1958, ["Frank Rosenblatt"], ["Perceptron"]),
    paper(
        "1986-backprop", 1986, ["David E. Rumelhart", "Geoffrey E. Hinton"], ["Backpropagation"], ["Linnainmaa 1970"]
    ),
    paper("2012-alexnet", 2012, ["Alex Krizhevsky", "Ilya Sutskever", "Geoffrey E. Hinton"], ["AlexNet"]),
    paper("2013-vae", 2013, ["Diederik P. Kingma", "Max Welling"], ["Variational Autoencoder"]),
    paper("2013-dqn", 2013, ["Volodymyr Mnih"], ["Deep Q-Network"]),
    paper("2017-transformer", 2017, ["Ashish Vaswani"], ["Transformer"]),
    paper("2025-r1", 2025, ["DeepSeek AI"], ["Chain of Thought"]),
]
GRAPH: GraphRecord = {"papers": [], "edges": [], "external": []}
CTX = build_context(RECORDS, ERAS, GRAPH, frozenset({"welling", "silver", "well"}))


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("what came out in 2015?", (2015, 2015)),
        ("papers from 1986–1991", (1986, 1991)),
        ("between 1990 and 2005, sequence models", (1990, 2005)),
        ("1950s", (1950, 1959)),
        ("the '80s", (1980, 1989)),
        ("the eighties", (1980, 1989)),
        ("early 2000s", (2000, 2004)),
        ("mid-1990s nets", (1993, 1997)),
        ("late 1980s neural nets", (1986, 1989)),
        ("the 1940s and 50s", (1940, 1959)),
        ("the last five years", (2021, 2025)),
        ("vision papers from 2015 onwards", (2015, 2025)),
        ("before 2000", (1958, 1999)),
        ("since 2015", (2015, 2025)),
        ("before transformers", (1958, 2016)),
        ("the same year as alexnet", (2012, 2012)),
        ("between alexnet and transformers", (2012, 2017)),
        ("around 1990", (1989, 1991)),
        ("recent work on language", (2016, 2025)),
        ("the early days of neural nets", (1943, 1969)),
        ("the first AI winter", (1974, 1980)),
        ("the deep learning boom", (2013, 2015)),
        ("the transformer era", (2016, 2025)),
        ("the backprop revolution", (1986, 1991)),
        ("papers from '89", (1989, 1989)),  # a year cut short
        ("anything from 2005?", (2005, 2005)),  # "from" a year alone is that year...
        ("vision from 2015 on", (2015, 2025)),  # ...and with "on" the years after it
        ("since 2015", (2015, 2025)),
        ("papers from before alexnet took off", (1958, 2011)),  # the concept named by the leading words
        ("before transformers became popular", (1958, 2016)),
    ],
)
def test_times_people_type_are_read(text: str, years: tuple[int, int]) -> None:
    window = read_time(text, CTX.time)
    assert window is not None and (window.start, window.end) == years, window


@pytest.mark.parametrize(
    "text",
    [
        "recurrent networks for language",
        "2048 tokens of context",
        "a transformer for images",
        "word2vec",
        "",
        "how we got from perceptrons to deep learning",  # where a story starts, not a time window
        "the difference between alexnet and the variational autoencoder",  # two things compared, not a time
    ],
)
def test_no_time_is_read_where_there_is_none(text: str) -> None:
    assert read_time(text, CTX.time) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("who invented the perceptron", "origin"),
        ("where did attention come from", "origin"),
        ("first paper on backpropagation", "origin"),
        ("history of language models", "history"),
        ("how did image generation evolve", "history"),
        ("timeline of recurrent networks", "history"),
        ("how we got from perceptrons to transformers", "history"),
        ("variational autoencoders", "topic"),
        ("the first AI winter", "topic"),  # "first" belongs to the time, not to an origin question
    ],
)
def test_intents(text: str, intent: str) -> None:
    assert make_plan(text, CTX).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "how have language models changed since the 90s",  # "has/have" and a participle
        "how has computer vision improved",
        "walk me through how attention came about",
        "tell me how deep learning grew from the 1980s to today",
        "chronicle of convnets",
        "what's the backstory of diffusion models",
        "the rise of transformers",
        "what were the key steps from perceptrons to transformers",
    ],
)
def test_a_history_is_read_however_it_is_worded(text: str) -> None:
    assert make_plan(text, CTX).intent == "history"


@pytest.mark.parametrize(
    "text",
    [
        "how does backprop change the weights",  # how a thing works, in the present: no history
        "how is attention computed",
        "how do convnets develop features",
    ],
)
def test_how_a_thing_works_is_no_history(text: str) -> None:
    assert make_plan(text, CTX).intent == "topic"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("papers since the 1990s", (1990, 2025)),
        ("papers since the 90s", (1990, 2025)),
        ("work after the 1990s", (2000, 2025)),
        ("papers before the 80s", (1958, 1979)),
        ("until the eighties, what was there", (1958, 1989)),
        ("papers from the 90s onwards", (1990, 2025)),
        ("papers from the late 80s", (1986, 1989)),  # "from" a decade alone: that decade
    ],
)
def test_a_bound_before_a_decade_opens_the_window_on_that_side(text: str, years: tuple[int, int]) -> None:
    """ "since the 90s" was the 1990s alone, "after the 1990s" the 1990s themselves."""
    window = read_time(text, CTX.time)
    assert window is not None and (window.start, window.end) == years


def test_names_are_read_as_names_not_words() -> None:
    assert make_plan("Linnainmaa", CTX).names == ("linnainmaa",)  # cited only in a summary
    assert make_plan("welling", CTX).names == ("welling",)  # an English word, but the whole query
    assert make_plan("hinton and sutskever", CTX).names == ("hinton", "sutskever")
    assert make_plan("geoffrey welling", CTX).names == ("welling",)  # a first name keeps the query a bare name
    assert make_plan("how well do nets generalise", CTX).names == ()  # "well" is a word
    assert make_plan("the VAE of Kingma and Welling's", CTX).names == ("kingma", "welling")  # capitalised inside


def test_people_are_keyed_by_the_rule_the_graph_uses() -> None:
    """Particles, accents, hyphens and possessives: one ``name_key`` for the list's spelling and the typed one."""
    records = [
        paper("2016-wavenet", 2016, ["Aäron van den Oord", "Augustin Žídek"], ["WaveNet"]),
        paper("2015-diffusion", 2015, ["Jascha Sohl-Dickstein"], ["Diffusion"], ["ten Brink 2010"]),
    ]
    ctx = build_context(records, ERAS, GRAPH, frozenset())
    assert make_plan("van den Oord’s audio model", ctx).names == ("oord",)  # "van", "den": particles, no one
    assert make_plan("zidek", ctx).names == ("zidek",)
    assert make_plan("Sohl-Dickstein", ctx).names == ("sohldickstein",)
    assert make_plan("Brink", ctx).names == ("brink",)  # cited in a summary, its particle kept apart
    assert {name_key(author_surname(a)) for r in records for a in r["authors"]} <= set(ctx.names)
    assert ctx.given == {"aaron", "augustin", "jascha"}


def test_only_a_time_and_what_remains_to_search() -> None:
    plan = make_plan("what came out in 2015?", CTX)
    assert plan.only_time and plan.understood()["years"] == [2015, 2015]
    topical = make_plan("papers from the 1990s about sequences", CTX)
    assert not topical.only_time and "1990s" not in topical.topic and "sequences" in topical.topic
    assert make_plan("what was going on in the 70s", CTX).only_time  # no topic: the words only ask
    joined = make_plan("why did people give up on neural nets in the 1970s", CTX)
    assert not joined.only_time and joined.topic == "why did people give up on neural nets"  # "in" went with the time
    assert make_plan("papers from the late 1980s about handwriting", CTX).topic == "papers about handwriting"
    named = make_plan("the transformer era", CTX)
    assert named.only_time and "transformer" in named.topic  # an era's name also says what about


def test_taking_parts_back() -> None:
    plan = make_plan("who first used backpropagation in the 1980s, Hinton?", CTX)
    assert plan.window is not None and plan.intent == "origin" and plan.names == ("hinton",)
    bare = plan.without(("time", "intent", "names"))
    assert bare.window is None and bare.intent == "topic" and bare.names == () and bare.topic == plan.text
    assert bare.understood() == {
        "years": None,
        "time": None,
        "intent": "topic",
        "names": [],
        "soft": True,
        "order": None,
    }
    ordered = make_plan("the oldest paper about backprop", CTX)
    assert ordered.order is not None and "oldest" not in ordered.topic
    unordered = ordered.without(("order",))
    assert unordered.order is None and unordered.understood()["order"] is None and "oldest" in unordered.topic


def test_concepts_are_matched_whole() -> None:
    assert set(concept_matches("a variational autoencoder for faces", CTX)) == {3}
    assert concept_matches("deep networks", CTX) == {}  # not the Deep Q-Network: "q" is missing
    assert set(concept_matches("the deep q-network plays atari", CTX)) == {4}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Explain the vanishing gradient problem", "the vanishing gradient problem"),
        ("tell me about GANs", "GANs"),
        ("Summarize the AlexNet paper for me in a few sentences.", "the AlexNet paper"),
        ("please describe how deep Q-networks work", "how deep Q-networks work"),
        ("I'd like to understand how CLIP learns from captions", "how CLIP learns from captions"),
        ("can you give me an overview of diffusion models?", "diffusion models?"),
        ("walk me through LSTM gates, thanks", "LSTM gates"),
        ("what is a transformer?", "a transformer?"),
        ("explainable AI", "explainable AI"),  # a topic that begins like an instruction
        ("explain", "explain"),  # nothing else: the word is the topic
        ("what's the deal with batch normalization?", "batch normalization?"),
        ("word embeddings explained", "word embeddings"),  # an instruction after the topic
        ("the attention mechanism: describe it briefly", "the attention mechanism"),
    ],
)
def test_instructions_carry_no_topic(text: str, topic: str) -> None:
    assert make_plan(text, CTX).topic == topic


@pytest.mark.parametrize(
    ("text", "first", "over", "anchor"),
    [
        ("which paper on this list is the oldest one?", "earliest", "list", ""),
        ("what's the newest paper?", "latest", "list", ""),
        ("the most recent paper on reinforcement learning", "latest", "topic", ""),
        ("oldest paper here about regularization", "earliest", "topic", ""),
        ("what came before the transformer?", None, "before", "the transformer"),
        ("what built on LSTMs?", None, "after", "LSTMs"),
        ("what should I read before the alexnet paper", None, "before", "the alexnet paper"),
        ("after deep belief nets, what did people try next", None, "after", "deep belief nets"),
        ("the last paper published before minsky's book", "latest", "before", "minsky's book"),
        ("what was the last paper before the transformer?", "latest", "before", "the transformer"),
        ("the first paper in the list", "earliest", "list", ""),
        ("the first paper after backprop", "earliest", "after", "backprop"),
        ("which paper was published most recently?", "latest", "list", ""),
        ("what did the lstm paper lead to?", None, "after", "the lstm paper"),
        ("what came out after word2vec", None, "after", "word2vec"),
        ("what happened after the perceptrons book?", None, "after", "the perceptrons book"),
        ("what is the next paper after dqn", "earliest", "after", "dqn"),  # the nearest in time: the next one
        ("what's the paper just before the transformer", "latest", "before", "the transformer"),
        ("the next entry in the list after the perceptron", "earliest", "after", "the perceptron"),
        ("which paper comes right before the lstm paper", "latest", "before", "the lstm paper"),
        ("which later papers cite the attention paper", None, "after", "the attention paper"),
        ("which came first in the list", "earliest", "list", ""),
        ("which paper is the most recent on reinforcement learning", "latest", "topic", ""),
        ("what's the latest on diffusion models", "latest", "topic", ""),
        ("the most recent in the list about gans", "latest", "topic", ""),
        ("what was published after bert", None, "after", "bert"),
        ("what was published before gpt-2", None, "before", "gpt-2"),
        ("which papers came later than the gan paper", None, "after", "the gan paper"),
        ("which papers are older than the lstm paper", None, "before", "the lstm paper"),
        ("papers before dqn", None, "before", "dqn"),
        ("anything after word2vec?", None, "after", "word2vec"),
        ("research that came after alexnet", None, "after", "alexnet"),
        ("what did bert build on", None, "before", "bert"),
        ("what earlier work does alphago rest on?", None, "before", "alphago"),
        ("prerequisite reading for the gan paper", None, "before", "the gan paper"),
        ("what was the response to the perceptron", None, "after", "the perceptron"),
        ("where did the lstm paper lead next", None, "after", "the lstm paper"),
        ("which came first, backprop or the perceptron?", "earliest", "topic", ""),
        ("which one is newer: bert or gpt-2", "latest", "topic", ""),
        # an end of time and what it qualifies, however either is worded
        ("the earliest work in the list", "earliest", "list", ""),
        ("which entry dates furthest back?", "earliest", "list", ""),
        ("the least recent paper in the collection", "earliest", "list", ""),
        ("give me the earliest-published paper", "earliest", "list", ""),
        ("which is the most dated paper in this list", "earliest", "list", ""),
        ("which paper here came out before all the others?", "earliest", "list", ""),
        ("what's the most up-to-date paper here?", "latest", "list", ""),
        ("what was published most recently among these papers?", "latest", "list", ""),
        ("the last paper on the timeline", "latest", "list", ""),
        ("what's the earliest publication here", "earliest", "list", ""),
        ("which was published later: BERT or GPT-2?", "latest", "topic", ""),
        ("the VAE or the GAN: which one was first?", "earliest", "topic", ""),
        ("which appeared later, AlphaGo or DQN?", "latest", "topic", ""),
        ("which paper immediately preceded BERT?", "latest", "before", "BERT"),
        ("what directly followed the lstm paper", "earliest", "after", "the lstm paper"),
        ("which entry directly follows Elman's paper?", "earliest", "after", "Elman's paper"),
        ("what's the oldest paper you've got?", "earliest", "list", ""),
        ("which paper was released after all the others?", "latest", "list", ""),
        # a misspelt end of time, "work" or "research" with nothing else asked, "which X came first" over X
        ("whats the olderst paper in the list", "earliest", "list", ""),
        ("the newst paper here", "latest", "list", ""),
        ("most recnet paper on GANs?", "latest", "topic", ""),
        ("show me the newest work", "latest", "list", ""),
        ("what's the latest research in this list", "latest", "list", ""),
        ("which attention paper came first", "earliest", "topic", ""),
        ("name the newest one", "latest", "list", ""),
        # a whole order named, a stressed end, a synonym of the latest end, a noun of time or of a source
        ("list the papers from oldest to newest", "earliest", "list", ""),
        ("papers in chronological order", "earliest", "list", ""),
        ("sort the GAN papers by date", "earliest", "topic", ""),
        ("attention papers in reverse chronological order", "latest", "topic", ""),
        ("papers on diffusion, newest first", "latest", "topic", ""),
        ("the first ever paper here", "earliest", "list", ""),
        ("which paper is from the earliest year", "earliest", "list", ""),
        ("which paper has the latest date", "latest", "list", ""),
        ("what's the freshest paper here", "latest", "list", ""),
        ("what is the most modern paper", "latest", "list", ""),
        ("oldest reference on memory", "earliest", "topic", ""),
        ("i want the most recent paper", "latest", "list", ""),
        ("the papers in order of publication", "earliest", "list", ""),
        ("the most recent papers first", "latest", "list", ""),
        # "trick", "algorithm", "system" are things of the list as "technique" and "method" are: "the latest trick
        # for regularization" asks for the newest paper on regularization, as "the latest technique for" does
        ("the latest trick for regularization", "latest", "topic", ""),
        ("the oldest algorithm for training networks", "earliest", "topic", ""),
    ],
)
def test_an_order_in_time_is_read(text: str, first: str | None, over: str, anchor: str) -> None:
    o = make_plan(text, CTX).order
    assert o is not None and (o.first, o.over, o.anchor) == (first, over, anchor)
    assert make_plan(text, CTX).understood()["order"] == o.shown()


@pytest.mark.parametrize(
    ("text", "side", "anchor"),
    [
        # a side named by a noun of kinship, after the paper's possessive or before "of"
        ("ResNet's predecessors", "before", "ResNet"),
        ("what were CLIP's influences?", "before", "CLIP"),
        ("the transformer's successors", "after", "transformer"),
        ("predecesors of BERT", "before", "BERT"),  # misspelt
        ("forerunners of the lstm", "before", "the lstm"),
        ("which entries are descendants of the perceptron", "after", "the perceptron"),
        # what shaped a paper, and what a paper made possible
        ("what influenced LeCun's convnet", "before", "LeCun's convnet"),
        ("what laid the groundwork for BERT?", "before", "BERT"),
        ("what did the backprop paper make possible?", "after", "the backprop paper"),
        ("which papers did the transformer paper inspire", "after", "the transformer paper"),
        ("what was made possible by backpropagation, in order?", "after", "backpropagation"),
        ("what came in the wake of AlexNet", "after", "AlexNet"),
        ("which work came out of the attention paper", "after", "the attention paper"),
        # what a paper rests on, said as a statement or a clause, and what it grew out of
        ("papers that sequence to sequence learning relies on", "before", "sequence to sequence learning"),
        ("Could you tell me what the Transformer was building on?", "before", "the Transformer"),
        ("which papers does the transformer build on", "before", "the transformer"),
        ("what did diffusion models grow out of?", "before", "diffusion models"),
        ("background for the diffusion model paper", "before", "the diffusion model paper"),
        # citations said as such
        ("What papers cite the GAN paper?", "after", "the GAN paper"),
        ("what does BERT cite", "before", "BERT"),
        # what people did, or what there was, on a side of a paper
        ("what did people do after AlexNet", "after", "AlexNet"),
        ("what was there before transformers", "before", "transformers"),
        # the paper named ahead of the question: a leading side without a comma, a side at the end, a pronoun
        ("after the attention paper what happened next", "after", "the attention paper"),
        ("GANs - what came afterwards?", "after", "GANs"),
        ("transformer - what came before it", "before", "transformer"),
        ("the transfer learning paper: what did it influence?", "after", "the transfer learning paper"),
        ("what came before alexnet in order", "before", "alexnet"),  # "in order" names no paper
    ],
)
def test_a_relation_to_a_paper_is_read_however_it_is_worded(text: str, side: str, anchor: str) -> None:
    o = make_plan(text, CTX).order
    assert o is not None and (o.side, o.anchor) == (side, anchor)


@pytest.mark.parametrize(
    "text",
    [
        "Can you tell me which papers came before AlphaGo? I'm preparing a talk.",
        "i'm a student, what should i have read before AlphaGo",
        "what came before AlphaGo? it's for my thesis",
        "for my reading group: which papers led to AlphaGo?",
    ],
)
def test_the_askers_own_clauses_are_no_topic_of_a_relation(text: str) -> None:
    """What came before a paper is searched around the paper alone: "I'm preparing a talk" named Rosenblatt first."""
    plan = make_plan(text, CTX)
    assert plan.order is not None and plan.order.anchor == "AlphaGo" and plan.topic == "AlphaGo"


@pytest.mark.parametrize(
    "text",
    [
        "what was published after 2019 on language models",  # a year and more words: a time on a topic
        "what came out of the late-80s backprop boom",  # a decade: a time
        "anything released since the 1990s?",
    ],
)
def test_a_relation_to_a_year_or_decade_is_a_time(text: str) -> None:
    plan = make_plan(text, CTX)
    assert plan.order is None and plan.window is not None


@pytest.mark.parametrize(
    "text",
    [
        "recent papers on attention",
        "papers published after 2015",  # a year: a time
        "neural nets before backprop",
        "the last five years",
    ],
)
def test_no_order_is_read_where_a_time_is_meant(text: str) -> None:
    plan = make_plan(text, CTX)
    assert plan.order is None and plan.window is not None


@pytest.mark.parametrize(
    ("text", "first", "years"),
    [
        ("the last paper of the backprop revolution", "latest", (1986, 1991)),
        ("the first paper in the transformer era", "earliest", (2016, 2025)),  # "first" too: nothing else is asked
        ("the earliest paper of the deep learning boom", "earliest", (2013, 2015)),
    ],
)
def test_an_order_over_nothing_but_an_era_runs_over_the_papers_of_that_era(
    text: str, first: str, years: tuple[int, int]
) -> None:
    """An era's name says what about only beside other words: alone with an order it is the papers of that time."""
    plan = make_plan(text, CTX)
    assert plan.order is not None and (plan.order.first, plan.order.over) == (first, "list")
    assert plan.window is not None and (plan.window.start, plan.window.end) == years


def test_an_order_over_a_topic_within_an_era_still_runs_over_the_topic() -> None:
    plan = make_plan("the oldest paper on vision in the transformer era", CTX)
    assert plan.order is not None and plan.order.over == "topic" and plan.window is not None
    # a topic an era is named for, not called an era, is still a topic ("first": an origin question)
    assert make_plan("the first paper on backpropagation", CTX).order is None
    assert make_plan("the oldest paper on backpropagation", CTX).order.over == "topic"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "first principles of learning",  # "first" qualifies principles, not a thing of the list
        "the first layer of a convolutional network",
        "what did the first perceptron do",  # the first of a kind: an origin question at most
        "the last layer of a network",
        "learning from the latest data",
    ],
)
def test_a_word_of_order_that_qualifies_no_paper_is_no_order(text: str) -> None:
    assert make_plan(text, CTX).order is None


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("papers that came before AlphaGo", "AlphaGo"),
        ("after alexnet, what came next?", "alexnet"),
        ("what do i need to read before the attention paper", "the attention paper"),
    ],
)
def test_words_that_only_ask_about_order_leave_nothing_else_to_search_for(text: str, anchor: str) -> None:
    """What is left beside the order ("papers that", "what came next", "what do I need to") asks no topic: the
    papers around the anchor are not re-ranked by those words."""
    plan = make_plan(text, CTX)
    assert plan.order is not None and plan.order.anchor == anchor and plan.topic == anchor


def test_the_words_of_a_choice_without_sides_say_what_the_order_is_over() -> None:
    plan = make_plan("which attention paper came first", CTX)
    assert plan.order is not None and "attention" in plan.topic and "first" not in plan.topic


def test_a_sorted_topic_keeps_its_words() -> None:
    assert make_plan("sort the GAN papers by date", CTX).topic == "the GAN papers"


def test_only_a_misspelt_word_of_time_order_is_mended() -> None:
    assert mended("latent diffusion, the newest") == ("latent diffusion, the newest", list(range(29)))
    text, at = mended("the olderst paper")
    assert text == "the oldest paper" and at[len("the oldest")] == len("the olderst")


def test_the_first_paper_on_a_topic_is_an_origin_question() -> None:
    plan = make_plan("first paper on backpropagation", CTX)
    assert plan.order is None and plan.intent == "origin" and plan.topic == "first paper on backpropagation"


@pytest.mark.parametrize("text", ["latest work on language models", "the latest research on language models"])
def test_the_latest_work_on_a_topic_is_the_newest_of_its_recent_papers(text: str) -> None:
    """An order over the topic ("the latest work on X" asks for one paper, as the issue reads it) within the time its
    words name (the recent era), so the newest of the topic's papers of that time comes first."""
    plan = make_plan(text, CTX)
    assert plan.order is not None and plan.order.first == "latest" and plan.order.over == "topic"
    assert plan.window is not None and plan.window.end == 2025 and "language models" in plan.topic
    assert "latest" not in plan.topic


def test_the_first_paper_of_a_time_is_an_order_not_an_origin_question() -> None:
    """Who did it first is never after a year: "after 2010, the first paper on X" asks for the first of that time."""
    plan = make_plan("after 2010, the first paper on backpropagation", CTX)
    assert plan.order is not None and plan.order.first == "earliest" and plan.order.over == "topic"
    assert plan.window is not None and plan.window.start == 2011 and plan.intent == "topic"
    assert "backpropagation" in plan.topic and "first" not in plan.topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("the newest paper on real brains instead of artificial ones?", "paper on real brains?"),
        ("the oldest paper on vision in animals rather than computers", "paper on vision in animals"),
        ("the oldest paper on memory, as opposed to feed-forward nets", "paper on memory"),
        ("instead of images, the newest paper on text", "paper on text"),
    ],
)
def test_an_order_over_a_topic_leaves_out_what_a_contrast_sets_aside(text: str, topic: str) -> None:
    plan = make_plan(text, CTX)
    assert plan.order is not None and plan.order.over == "topic"
    assert plan.topic == topic


def test_a_contrast_outside_an_order_is_left_to_the_ranking() -> None:
    plan = make_plan("what loss should i use for classification instead of mean squared error?", CTX)
    assert plan.order is None and "instead of mean squared error" in plan.topic


def test_what_came_before_a_paper_searches_the_words_that_name_it() -> None:
    plan = make_plan("what came after Kingma's VAE?", CTX)
    assert plan.order is not None and plan.order.side == "after" and plan.topic == "Kingma's VAE"
    assert plan.names == ()  # the name belongs to the paper the others follow, found on its own
    assert plan.window is None and plan.order.label() == "what came after “Kingma's VAE”"
    found = plan.order.found(3, "2013-vae", "Auto-Encoding Variational Bayes (2013)")
    assert found.shown() == {
        "first": None,
        "over": "after",
        "paper": "2013-vae",
        "label": "what came after Auto-Encoding Variational Bayes (2013)",
        "choice": [],  # no choice between papers
    }


# one phrase or more for each alternative of each gated expression (with the dev queries, the texts below try them)
GATE_PHRASES = [
    "does batch normalization go before or after the activation",
    "should dropout come before or after batch norm",
    "is layer norm applied after or before attention",
    "who picked up where the gan paper left off",
    "which work took up where backprop left off?",
    "papers that carried on where lstms leave off",
    "put these in order: bert, resnet, alexnet",
    "order these: gans, vaes, pix2pix",
    "sort the following by date: lstm, gru, transformers",
    "the seq2seq paper built on what",
    "what did attention replace",
    "what made alexnet possible",
    "what makes resnet possible",
    "which made word2vec possible",
    "where did the lstm paper lead",
    "where has backprop led since",
    "where do gans lead",
    "before alexnet?",
    "post-bert",
    "so, pre-transformer?",
    "radford 2018 successors",
    "alexnet ancestors",
    "the lineage of bert",
    "papers cited by BERT",
    "work referenced in the transformer paper",
    "papers in reverse chronological order",
    "from newest to oldest",
    "the latest through the least recent",
    "the most recent papers first",
    "youngest first",
    "chronologically",
    "in date order",
    "in order of publication",
    "the order they were published",
    "from oldest to newest",
    "earliest papers first",
    "sort the papers by year",
    "ranked by their publication date",
    "the latest research here",
    "the newest work",
    "the youngest stuff in the list",
    "the freshest paper",
    "the most modern paper",
    "the most cutting-edge paper",
    "all the others",
    "everything else",
    "any other paper",
    "word embeddings explained",
    "gans: describe it briefly",
    "what's the deal with lstms",
    "which entry dates furthest back",
    "the least recent paper",
    "the most up-to-date paper here",
    "which paper immediately preceded bert",
    "the most dated paper in this list",
    "the newest paper on real brains instead of artificial ones",
    "the oldest paper on vision rather than sound",
    "the oldest paper on memory, as opposed to feed-forward nets",
    "the paper right before alexnet",
    "what came immediately after the gan paper",
    "the next entry on the timeline after word2vec",
    "shortly prior to the transformer",
    "which came first, lstm or elman's net",
    "which of the two papers was earlier",
    "which was older, the perceptron or hubel",
    "which paper is more recent, clip or nerf",
    "which came out later, adam or batch norm",
    "which one is newer: bert or gpt-2",
    "what was the response to the perceptron",
    "what were the reactions to minsky's book",
    "prerequisite reading for the gan paper",
    "background reading before alexnet",
    "what did bert build on",
    "what earlier work does alphago rest on",
    "where did the lstm paper lead next",
    "ResNet's predecessors",
    "what were CLIP's influences?",
    "the transformer's successors",
    "predecesors of bert",
    "forerunners of the lstm",
    "influences on the vae",
    "what influenced lecun's convnet",
    "what laid the groundwork for bert",
    "what was there before transformers",
    "what did people try after alexnet",
    "what did backprop make possible",
    "which papers did the transformer inspire",
    "what was made possible by backpropagation",
    "papers enabled by batch norm",
    "which entries are descendants of the perceptron",
    "what came in the wake of alexnet",
    "which work came out of the attention paper",
    "what replaced rnns",
    "papers that seq2seq relies on",
    "tell me what the transformer was building on",
    "what did diffusion models grow out of?",
    "which papers cite the gan paper",
    "what does bert cite",
    "background for the diffusion paper",
    "after the attention paper what happened next",
    "gans - what came afterwards?",
    "the lstm: what came before it",
    "i'm preparing a talk",
    "did gans come before vaes?",
    "was the lstm published before or after elman's network",
    "is word2vec newer than bengio's model",
    "earliest mention of attention",
    "what was the final paper in the list",
    "for my thesis",
    "1990 and earlier",
    "1990 or before",
    "from the late 80s to today",
    "since 1990 up to now",
    "from '95 until the present day",
    "the 20th century",
    "twenty-first century methods",
    "the turn of the millennium",
    "between alexnet and transformers",
    "the 1940s and 50s",
    "1980s-90s",
    "the eighties",
    "papers from '89",
    "what came out the same year as word2vec?",
    "in the year when gans appeared",
    "the last five years",
    "the previous decade",
    "2015 onwards",
    "2018+",
    "circa 1986",
    "pre-2000 vision",
    "prior to backprop",
    "post 2012",
    "up to 1995",
    "the oldest paper on vision",
    "the very first one",
    "the most recently published model",
    "which was published most recently?",
    "what came just before the transformer",
    "what happened shortly before alexnet",
    "the paper right before lstm",
    "read first before attention",
    "what led up to deep learning",
    "leading up to gpt",
    "what paved the way for cnns",
    "what preceded word2vec",
    "precursors of the transformer",
    "prerequisites for attention",
    "what inspired dropout",
    "what came out next after alexnet",
    "next step after backprop",
    "later papers that build on lstm",
    "subsequent work that cited dropout",
    "followed up on resnet",
    "what succeeded rnns",
    "built upon attention",
    "grew out of boltzmann machines",
    "influenced by hebb",
    "successors of the perceptron",
    "follow-ups to gans",
    "the last paper published before 2000",
    "what did the lstm paper lead to?",
    "after deep belief nets, what did people try next",
    "please explain to me backprop",
    "can you please walk me through attention",
    "I'd like to better understand dropout",
    "help me learn about cnns",
    "give me a quick overview of rnns",
    "a brief summary of gans",
    "the explanation of lstm",
    "eli5: transformers",
    "what's backprop",
    "go over the perceptron",
    "break down attention for me",
    "describe resnet in plain english",
    "summarize gans in a few sentences",
    "explain dropout like i'm five",
    "tell me about word2vec, thanks",
    "teach me about svms thank you",
    "who came up with backprop",
    "the birth of deep learning",
    "the father of cnns",
    "the founding paper",
    "how did attention develop",
    "how nlp went from rnns to transformers",
    "the road to gpt",
    "the story of the perceptron",
    "milestones in vision",
    "the trajectory of word vectors",
    "training",  # a step of a process, the words a relation's side is said of (``steps.STEP``)
    "the encoder in a seq2seq model",
    "the gradient step",
]


def _gate_texts() -> list[str]:
    """The dev queries and the phrases above, as typed, in capitals, in title case and with ı for i and ſ for s."""
    import json

    files = [path.read_text(encoding="utf-8") for path in DEV_FILES]
    texts = [json.loads(line)["query"] for text in files for line in text.splitlines()]
    texts += GATE_PHRASES
    twins = str.maketrans({"i": "\u0131", "s": "\u017f", "k": "\u212a", "I": "\u0130"})
    return [v for t in texts for v in (t, t.upper(), t.title(), t.translate(twins), t.upper().translate(twins))]


def test_gated_expressions_answer_as_the_expressions_themselves() -> None:
    """Each gated expression of query understanding finds what the same expression compiled plainly finds, on every
    dev query and a phrase for each of its alternatives: the words it needs are in every match."""
    import re

    from papersearch.core.patterns import Gated
    from papersearch.query import bounds, intents, order, plan, relation, steps, timewords, wording

    texts = _gate_texts()
    checked = 0
    for module in (timewords, bounds, order, relation, steps, wording, plan, intents):
        for name, gated in vars(module).items():
            if not isinstance(gated, Gated):
                continue
            plain = re.compile(gated.pattern, gated.flags)
            found = [(t, [m.span() for m in plain.finditer(t)]) for t in texts]
            assert [[m.span() for m in gated.finditer(t)] for t, _ in found] == [spans for _, spans in found], name
            assert all(bool(gated.search(t)) == bool(spans) for t, spans in found), name
            assert sum(bool(spans) for _, spans in found) >= 3, f"{name}: too few texts try it"
            checked += 1
    assert checked >= 25


def test_a_gate_leaves_an_expression_uncompiled_for_a_text_it_cannot_match() -> None:
    import re

    from papersearch.core.patterns import DIGIT, Gated

    years = Gated((DIGIT,), r"\d{4}")
    words = Gated(("before", "after"), r"\b(before|after)\s+(\w+)", re.IGNORECASE)
    assert years.search("how were deep nets first trained?") is None and "compiled" not in vars(years)
    assert words.search("papers AFTER backprop") is not None and "compiled" in vars(words)
    assert years.search("papers from １９８６") is not None  # a Unicode digit is a digit to \d too
    assert Gated(("kernel",), "kernel", re.IGNORECASE).search("\u212aernel methods") is not None  # Kelvin sign: k


def test_a_year_gate_passes_a_year_and_no_other_number() -> None:
    """A ``YEAR_DIGITS`` gate tries its expression on a text with 1800-2099's digits, and not on other numbers: the
    random number a new query carries leaves the year expressions untried."""
    from papersearch.core.patterns import YEAR_DIGITS, Gated

    year = Gated((YEAR_DIGITS,), r"\b(?:1[89]\d\d|20\d\d)\b")
    assert year.search("backprop 5736411 q12") is None and "compiled" not in vars(year)
    assert year.search("backprop in 1986") is not None and year.could_match("x 2099") and not year.could_match("x 1799")


def test_a_yes_no_question_a_citation_and_a_history_need_the_words_that_make_them() -> None:
    """Review findings: "are there any papers before the transformer?" was a choice between "there any papers" and
    the Transformer; "papers cited by BERT" was what came after BERT; "which paper mentions dropout?" (a topic) was
    what came after Dropout; "how the network developed its features" was a history question."""
    from papersearch.query.comparison import YES_NO
    from papersearch.query.intents import HISTORY
    from papersearch.query.relation import read_relation

    for q in (
        "are there any papers before the transformer?",
        "did anything come after GANs?",
        "did people try anything after AlexNet?",
    ):
        assert YES_NO.search(q) is None, q
    for q in ("did GANs come before VAEs?", "was the LSTM published before or after Elman's network?"):
        assert YES_NO.search(q) is not None, q
    assert read_relation("papers cited by BERT", False)[:2] == ("before", "BERT")
    assert read_relation("work cited in the transformer paper", False)[:2] == ("before", "the transformer paper")
    assert read_relation("which papers cite the GAN paper", False)[:2] == ("after", "the GAN paper")
    assert read_relation("which paper mentions dropout?", False)[0] is None
    for q in ("how the network developed its features", "steps from raw audio to text", "how much the field advanced"):
        assert HISTORY.search(q) is None, q
    for q in (
        "how transformers evolved?",
        "the key steps from perceptrons to transformers",
        "how deep learning developed over the years",
    ):
        assert HISTORY.search(q) is not None, q


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a comparative of time opens the window past the year, as "after" and "before" do (each read as that year
        # alone, and on neither side, before)
        ("language models later than 2019", (2020, 2025)),
        ("language model papers newer than 2019", (2020, 2025)),
        ("language models more recent than 2019", (2020, 2025)),
        ("language models after the year 2019", (2020, 2025)),
        ("language models beyond 2019", (2020, 2025)),
        ("anything past 2019 on language models", (2020, 2025)),
        ("post-2019 papers on language models", (2020, 2025)),
        ("language models earlier than 2003", (1943, 2002)),
        ("language models older than 2003", (1943, 2002)),
        ("language models prior to the year 2003", (1943, 2002)),
        ("pre-2003 language models", (1943, 2002)),
        # the same rule for a year, a decade and a thing the list introduced
        ("language models before 2003", (1943, 2002)),
        ("language models until 2003", (1943, 2003)),
        ("language models since 2019", (2019, 2025)),
        ("papers from 2005", (2005, 2005)),
        ("vision before the 90s", (1943, 1989)),
        ("vision papers since the nineties", (1990, 2025)),
        ("vision papers post the 1990s", (2000, 2025)),
        ("nets until the eighties", (1943, 1989)),
        ("the 90s onwards", (1990, 2025)),
        ("from the 1980s", (1980, 1989)),
    ],
)
def test_a_bound_opens_one_side_of_a_year_or_a_decade_by_one_rule(text: str, years: tuple[int, int]) -> None:
    """1943 and 2025 stand for the list's first and last years (this context's own)."""
    plan = make_plan(text, CTX)
    first = CTX.time.first if years[0] == 1943 else years[0]
    last = CTX.time.last if years[1] == 2025 else years[1]
    assert plan.window is not None and (plan.window.start, plan.window.end) == (first, last)
    assert plan.order is None
