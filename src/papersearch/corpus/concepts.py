"""Find an entry's key concepts in its summary, and know their common aliases.

The seed page marks key concepts in bold, which plain text loses; they survive as capitalised
terms ("Perceptron Algorithm", "Convolutional Neural Network (CNN)"). This module recovers them
with a conservative heuristic. The corpus files are the truth: a person may correct the list.
"""

from __future__ import annotations

import re

from ..core.models import Concept
from ..core.names import NOT_NAMED

# Common aliases a reader may type for a concept, keyed by the concept's acronym or name (lowercase).
ALIASES: dict[str, tuple[str, ...]] = {
    "cnn": ("convnet", "ConvNet", "convolutional network", "CNNs"),
    "rnn": ("recurrent network", "RNNs"),
    "lstm": ("LSTMs",),
    "vae": ("VAEs", "variational autoencoder"),
    "gan": ("GANs", "generative adversarial network"),
    "rlhf": ("human feedback",),
    "sgd": ("stochastic gradient",),
    "relu": ("rectifier", "rectified linear unit"),
    "backpropagation": ("backprop", "back-propagation", "backpropagation algorithm"),
    "batch normalization": ("BatchNorm", "batch norm"),
    "resnet": ("residual network", "residual connections", "skip connections"),
    "transformer": ("Transformers", "self-attention"),
    "attention": ("attention mechanism", "learnable attention"),
    "word2vec": ("skip-gram",),
    "drl": ("deep RL",),
    "dqn": ("deep Q-network", "Q-learning"),
    "gpt": ("GPT-2", "GPT-3"),
    "llms": ("LLM", "large language model"),
    "nerf": ("radiance field",),
    "clip": ("contrastive language-image pretraining",),
    "alphafold": ("protein folding",),
    "xai": ("explainability", "interpretability"),
    "pdp": ("connectionism",),
    "diffusion models": ("diffusion model", "denoising diffusion"),
    "latent diffusion": ("Stable Diffusion",),
    "adam optimizer": ("Adam",),
    "weight decay": ("L2 regularization",),
    "xavier initialization": ("Glorot initialization",),
    "kaiming initialization": ("He initialization",),
    "associative memory": ("content-addressable memory",),
}

# Capitalised words that are not concepts: sentence openers, organisations, places, prizes.
STOPWORDS = NOT_NAMED | {
    "AGI",
    "AI",
    "Adopting",
    "Analyzing",
    "Are",
    "Atari",
    "Bank",
    "Before",
    "Berry",
    "Both",
    "Bottou’s",
    "Caffe",
    "Can",
    "ChatGPT",
    "Chemistry",
    "Combining",
    "DALL-E",
    "Data",
    "DeepSeek",
    "DeepSeek-R1",
    "Descendants",
    "Do",
    "Doersch",
    "Does",
    "During",
    "English",
    "English-to-French",
    "FLAN",
    "First",
    "French",
    "GPT-4o1",
    "Game-playing",
    "Gaussian",
    "Go",
    "Halle",
    "He",
    "Her",
    "Hiding",
    "His",
    "How",
    "ImageNet",
    "Inspired",
    "Is",
    "It",
    "Its",
    "JAX",
    "LAION",
    "Learning",
    "Lee",
    "Lettvin",
    "ML",
    "MSCOCO",
    "Mail",
    "Many",
    "Nature",
    "Navy",
    "Nobel",
    "Nonequilibrium",
    "One",
    "Our",
    "PhD",
    "Postal",
    "Previous",
    "Prize",
    "Protein",
    "PyTorch",
    "Rather",
    "Safety",
    "Second",
    "Sedol",
    "Several",
    "She",
    "Sparks",
    "Strikingly",
    "TensorFlow",
    "Theano",
    "Their",
    "They",
    "Torch",
    "Turing",
    "U.S.",
    "UniProt",
    "Using",
    "What",
    "Will",
    "Writing",
    "XOR",
    "YouTube",
}

_WORD = r"[A-Z][\w’'\-\.]*[\w]|[A-Z]"
CAND_RE = re.compile(
    rf"(?P<phrase>(?:{_WORD})(?:\s(?:of|from|to|by|and)?\s?(?:{_WORD}))*)(?:\s\((?P<acr>[A-Z][\w\-]*)\))?"
)
CITE_AFTER_RE = re.compile(r"^\s*(?:\(\d{4}|\d{4}|,\s*\d{4}|’s|'s)")


def _clean(phrase: str) -> str:
    words = phrase.split()
    while words and (words[0] in STOPWORDS or words[0] in {"of", "from", "to", "by", "and"}):
        words.pop(0)
    while words and words[-1] in {"of", "from", "to", "by", "and"}:
        words.pop()
    return " ".join(words)


def extract_concepts(summary: str, person_names: set[str]) -> list[Concept]:
    """Recover the capitalised key concepts of a summary, with acronyms given in parentheses."""
    found: dict[str, Concept] = {}
    for m in CAND_RE.finditer(summary):
        phrase = _clean(m["phrase"])
        acr = m["acr"]
        if not phrase:
            continue
        words = phrase.split()
        if any(w.rstrip("’s").rstrip("'s") in person_names or w in STOPWORDS for w in words):
            if not acr:
                continue
            if all(w in person_names or w in STOPWORDS for w in words):
                continue
        if CITE_AFTER_RE.match(summary[m.end() :]) and not acr:
            continue  # "Fukushima (1980)", "Kingma’s": a person, not a concept
        if len(words) == 1 and not acr and not _looks_technical(words[0]):
            continue
        if acr and re.fullmatch(r"\d{4}", acr):
            continue
        key = phrase.lower()
        if key in found:
            continue
        aliases = [acr] if acr else []
        for k in (key, (acr or "").lower()):
            aliases.extend(a for a in ALIASES.get(k, ()) if a not in aliases)
        found[key] = Concept(phrase, tuple(aliases))
    return list(found.values())


def _looks_technical(word: str) -> bool:
    """A lone capitalised word counts when it is coined: inner capitals or digits (ReLU, Word2Vec)."""
    inner = word[1:]
    return any(c.isupper() or c.isdigit() for c in inner) and not word.endswith(".")


def aliases_for(concept: Concept) -> tuple[str, ...]:
    """Known aliases for a concept not already listed."""
    keys = [concept.name.lower(), *(a.lower() for a in concept.aliases)]
    out: list[str] = []
    for k in keys:
        out.extend(a for a in ALIASES.get(k, ()) if a not in concept.aliases and a not in out)
    return tuple(out)
