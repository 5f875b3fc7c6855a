"""The scale sections of ``make bench`` at smoke sizes: the pipeline, the vector index, shards, extraction, bounded
memory and the million section each run and write their tables (the query sections: tests/test_scale.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .bench_smoke import QUERY_SECTIONS, SCALE_SECTIONS, assert_sections, bench_smoke


@pytest.mark.bench
@pytest.mark.slow
def test_the_scale_sections_write_their_tables(index_dir: Path, tmp_path: Path) -> None:
    text, out = bench_smoke(index_dir, tmp_path, SCALE_SECTIONS)
    scale = ("## The build pipeline", "## The vector index", "## Sharded vector index", "## Cross-reference extraction")
    assert_sections(text, out, (*scale, "## Bounded memory", "## A million papers"))
    assert "The chosen index built 2 times" in text  # the 1M floor is judged over several k-means trainings


def test_every_section_runs_in_one_of_the_two_smoke_runs() -> None:
    """Ray's section starts clusters and the peer comparison needs a full run: neither runs at smoke sizes."""
    from bench import SECTIONS

    assert not set(QUERY_SECTIONS) & set(SCALE_SECTIONS)
    assert set(QUERY_SECTIONS) | set(SCALE_SECTIONS) | {"ray", "peer"} == set(SECTIONS)
