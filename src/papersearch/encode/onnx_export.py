"""Export the embedding model to ONNX at index time (imports torch and transformers), cached per model.

``export_onnx`` writes ``query_encoder/model.onnx`` (fp32), its weights, an int8 copy of it
(``model.int8.onnx``, for ``PAPERSEARCH_QUERY_PRECISION=int8``) and a fixed ``tokenizer.json``;
``export_cached`` keeps one export per model fingerprint under ``<index>/.cache/`` and hard-links it
into each new version. ``onnx_query.OnnxQueryEncoder`` reads them at query time.

The cache records each file's sha256 when it is made and checks it (a streamed hash, ~0.1 s of
CPU) before linking it into a version, so a cached export damaged in place is made again rather
than copied into every new version. An export that fails for want of space is an ``OSError``
naming the cache folder, whatever library was writing when the disk filled.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import EncoderError
from ..core.files import file_sha256
from .onnx_query import INT8_FILE, MODEL_FILE, TOKENIZER_FILE

CACHED_FILES = "files"  # the export inside its cache folder, beside cache.json
WEIGHTS_FILE = "model.onnx.data"
EXPORT_FORMAT = 5  # bump when the export or its cache changes what it writes: caches of other formats are redone
EXPORT_SPACE = 2.5  # an export's peak disk use, in sizes of the model's weights (fp32 twice, int8, a copy)
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_cached(
    model_path: str,
    fingerprint: str,
    cache_root: Path,
    target: Path,
    verified: Callable[[Path, str], bool] | None = None,
) -> dict[str, Any]:
    """Put the ONNX query encoder's files into the folder ``target``, exporting only when ``cache_root`` has none for this model.

    The cache holds one export per model fingerprint; files are hard-linked into the
    version folder (copied where links are impossible). A cached export whose files were changed since
    (another size, time or content) is exported again. ``verified(path, sha256)``: whether a cached
    file is known to hold that content already (the caller has just hashed it), so need not be read.
    """
    key = f"onnx-{fingerprint}"
    cached = cache_root / key
    info = _read_cache(cached, verified)
    if info is None:
        info = _export_into_cache(model_path, cache_root, key)
    target.mkdir(parents=True, exist_ok=True)
    for f in sorted((cached / CACHED_FILES).iterdir()):
        try:
            os.link(f, target / f.name)
        except OSError:
            _named_copy(f, target / f.name)
    return info


def _export_into_cache(model_path: str, cache_root: Path, key: str) -> dict[str, Any]:
    """Export the model into ``cache_root/key`` (made beside it, then renamed into place); its description."""
    cache_root.mkdir(parents=True, exist_ok=True)
    for leftover in cache_root.glob(".tmp-*"):  # from an interrupted export; builds of one index never overlap
        shutil.rmtree(leftover, ignore_errors=True)
    tmp = cache_root / f".tmp-{key}-{os.getpid()}"
    try:
        info = export_onnx(model_path, tmp / CACHED_FILES)
        files = {f.name: [*_stamp(f), file_sha256(f)] for f in sorted((tmp / CACHED_FILES).iterdir())}
        meta = {"format": EXPORT_FORMAT, "info": info, "files": files}
        (tmp / "cache.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(cache_root / key, ignore_errors=True)
        os.replace(tmp, cache_root / key)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = f"{cache_root}/ (the ONNX export of the query encoder)"
        raise
    except EncoderError:
        raise
    except Exception as exc:  # a library's own error where the disk filled (protobuf, Rust, C++)
        if _short_of_space(cache_root, export_space(model_path)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"{cache_root}/ (the ONNX export)") from exc
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for old in cache_root.glob("onnx-*"):
        if old.name != key:
            shutil.rmtree(old, ignore_errors=True)  # an earlier model's export; versions keep their own links
    return info


def _named_copy(src: Path, dst: Path) -> None:
    try:
        shutil.copy2(src, dst)
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(dst)
        raise


def export_space(model_path: str) -> int:
    """About the most disk an export of this model takes while it is made: ``EXPORT_SPACE`` times its weights."""
    src = Path(model_path)
    if not src.is_dir():
        return 0
    return int(sum(f.stat().st_size for f in src.rglob("*") if f.suffix in {".safetensors", ".bin"}) * EXPORT_SPACE)


def has_export(cache_root: Path, fingerprint: str) -> bool:
    """Whether ``cache_root`` holds an export for this model fingerprint (its files are not checked here)."""
    return (cache_root / f"onnx-{fingerprint}" / "cache.json").is_file()


def _short_of_space(folder: Path, need: float) -> bool:
    """Whether the disk holding ``folder`` has less than ``need`` bytes free: where a library's error means a full disk."""
    try:
        return shutil.disk_usage(folder).free < need
    except OSError:
        return False


def _stamp(path: Path) -> list[int]:
    """Size and modification time: any write through any hard link changes them (copying with copy2 keeps them)."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _read_cache(cached: Path, verified: Callable[[Path, str], bool] | None) -> dict[str, Any] | None:
    """The cached export's manifest info, or None when it is missing or any file changed since export.

    Sizes are compared first; then every file's content, against the sha256 taken when it was made
    (unless ``verified`` vouches for it). Times are not: an index copied without them (``cp -r``, a
    container image) still holds the same export, and exporting it again would import torch.
    """
    try:
        meta = json.loads((cached / "cache.json").read_text(encoding="utf-8"))
        if meta.get("format") != EXPORT_FORMAT:
            return None
        files = meta["files"]
        if sorted(files) != sorted(f.name for f in (cached / CACHED_FILES).iterdir()):
            return None
        if any(_stamp(cached / CACHED_FILES / name)[0] != stamp[0] for name, stamp in files.items()):
            return None
        for name, stamp in files.items():
            path = cached / CACHED_FILES / name
            if not (verified and verified(path, stamp[2])) and file_sha256(path) != stamp[2]:
                return None
        return dict(meta["info"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def export_onnx(model_path: str, out_dir: Path) -> dict[str, Any]:
    """Export the sentence-transformers model at ``model_path`` into the folder ``out_dir``; return its description.

    Only the transformer is exported (``torch.onnx.export``, eager attention, dynamic batch and
    sequence axes); pooling and normalisation run in numpy. The model's ``tokenizer.json`` is copied
    with padding set to batch-longest and truncation to ``max_seq_length``: the shipped file pads and
    truncates at 128, which would both slow queries and cut long texts short of sentence-transformers.

    Beside the fp32 graph goes its int8 quantisation (``model.int8.onnx``), which encodes a query in
    about half the CPU time with the same dev-set figures, though single rankings move; documents are
    always embedded in fp32. A model that cannot be quantised gets no int8 file, and queries use fp32.
    """
    src = Path(model_path)
    if not (src / TOKENIZER_FILE).is_file():
        raise EncoderError(f"{src} has no {TOKENIZER_FILE}; only local sentence-transformers folders can be exported")
    max_length = _check_pooling_and_length(src)
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    _write_tokenizer(src / TOKENIZER_FILE, target / TOKENIZER_FILE, max_length)
    model_type = _export_transformer(src, target / MODEL_FILE)
    fused = _fuse(target / MODEL_FILE, src, model_type)
    int8 = _quantize(target / MODEL_FILE, target / INT8_FILE)
    _externalise_weights(target / MODEL_FILE)
    return {
        "type": "onnx",
        "file": MODEL_FILE,
        "weights": WEIGHTS_FILE,
        "tokenizer": TOKENIZER_FILE,
        "precision": "fp32",
        "int8_file": INT8_FILE if int8 else None,
        "max_length": max_length,
        "pooling": "mean",
        "normalize": True,
        "opset": OPSET,
        "fused": fused,
    }


def _check_pooling_and_length(src: Path) -> int:
    """The model's max_seq_length; refuses models whose pooling is not plain mean pooling."""
    modules = json.loads((src / "modules.json").read_text(encoding="utf-8")) if (src / "modules.json").is_file() else []
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    allowed = {"Transformer", "Pooling", "Normalize"}
    if not kinds or set(kinds) - allowed:
        raise EncoderError(f"{src} has modules {kinds}; only Transformer + mean Pooling (+ Normalize) can be exported")
    for m in modules:
        if m.get("type", "").endswith("Pooling"):
            cfg = json.loads((src / m["path"] / "config.json").read_text(encoding="utf-8"))
            modes = [k for k, v in cfg.items() if k.startswith("pooling_mode") and v]
            if modes != ["pooling_mode_mean_tokens"]:
                raise EncoderError(f"{src} pools with {modes}; only mean pooling can be exported")
    sbert = src / "sentence_bert_config.json"
    cfg = json.loads(sbert.read_text(encoding="utf-8")) if sbert.is_file() else {}
    if cfg.get("do_lower_case"):
        raise EncoderError(f"{src} lower-cases outside its tokenizer (do_lower_case); not supported")
    model_cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    limit = int(model_cfg.get("max_position_embeddings", 512))
    return min(int(cfg.get("max_seq_length") or limit), limit)


def _write_tokenizer(src: Path, dst: Path, max_length: int) -> None:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(src))
    padding = tok.padding or {}
    pad_token = padding.get("pad_token", "[PAD]")
    pad_id = padding.get("pad_id", tok.token_to_id(pad_token) or 0)
    tok.enable_truncation(max_length=max_length)
    tok.enable_padding(pad_id=pad_id, pad_token=pad_token, pad_type_id=padding.get("pad_type_id", 0))  # batch-longest
    tok.save(str(dst))


def _export_transformer(src: Path, dst: Path) -> str:
    """``torch.onnx.export`` of the transformer's last hidden state; returns the config's model_type."""
    import inspect
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no "Loading weights" bar
    model = AutoModel.from_pretrained(str(src), attn_implementation="eager").eval()
    accepted = inspect.signature(model.forward).parameters
    names = [n for n in INPUTS if n in accepted]

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            hidden: torch.Tensor = self.model(**dict(zip(names, args, strict=True))).last_hidden_state
            return hidden

    # a padded row, so that nothing traced can assume every token is real
    ids = torch.full((2, 8), 1000, dtype=torch.int64)
    mask = torch.ones(2, 8, dtype=torch.int64)
    mask[1, 5:] = 0
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros(2, 8, dtype=torch.int64)}
    example = tuple(feed[n] for n in names)
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer and legacy-exporter notices; the test compares the vectors
        torch.onnx.export(
            LastHidden(),
            example,
            str(dst),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    return str(model.config.model_type)


def _fuse(path: Path, src: Path, model_type: str) -> bool:
    """Fuse attention, layer norms and GELU offline (onnxruntime's transformer optimizer) for BERT models.

    onnxruntime's own session-time passes do not recognise this exporter's attention pattern, so the
    fused file is what makes queries use its Attention kernel.
    """
    if model_type != "bert":  # the only family checked against sentence-transformers; others run unfused
        return False
    from onnxruntime.transformers.optimizer import optimize_model

    cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    opt = optimize_model(
        str(path),
        model_type="bert",
        num_heads=int(cfg["num_attention_heads"]),
        hidden_size=int(cfg["hidden_size"]),
        opt_level=0,
    )
    stats = opt.get_fused_operator_statistics()
    if not stats.get("Attention"):
        return False
    opt.save_model_to_file(str(path))
    return True


def _quantize(path: Path, out: Path) -> bool:
    """Dynamic int8 quantisation (per-channel weights) of the graph at ``path`` into ``out``; False if it fails.

    A failure to write (an ``OSError``, or any error while the disk is short of the space a copy of
    the model needs) is not a model that cannot be quantised: it is raised, and the build fails.
    """
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out.with_name(out.name + ".tmp")
    # the fused graph's contrib ops defeat shape inference; every float tensor in it is float32
    options = {"DefaultTensorType": TensorProto.FLOAT}
    quiet = logging.getLogger()  # onnxruntime.quantization advises "pre-processing" on the root logger
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(path), str(tmp), per_channel=True, weight_type=QuantType.QInt8, extra_options=options)
        os.replace(tmp, out)
        return True
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise
        if _short_of_space(out.parent, 1.5 * path.stat().st_size):  # a copy of the model did not fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out)) from exc
        failed = exc
    finally:
        quiet.setLevel(level)
    # queries then use the fp32 graph; say why (once the root logger lets warnings through again)
    logging.getLogger("papersearch.index").warning("no int8 query encoder (%s: %s)", type(failed).__name__, failed)
    return False


def _externalise_weights(path: Path) -> None:
    """Move the weights into ``model.onnx.data`` beside the graph.

    onnxruntime then reads them directly instead of parsing a 90 MB protobuf: the session opens in
    ~75 ms instead of ~250 ms and the query process peaks ~75 MB lower.
    """
    import onnx

    model = onnx.load(str(path))
    (path.parent / WEIGHTS_FILE).unlink(missing_ok=True)  # onnx appends to an existing weights file
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=WEIGHTS_FILE)
    (path.parent / WEIGHTS_FILE).chmod(path.stat().st_mode & 0o777)  # onnx creates it private (0600)
