"""Score fusion (query/fusion.py): the z-scores of a filtered list, and of one every paper of which is scored."""

from __future__ import annotations

import numpy as np

from papersearch.query import fusion


def _masked(dense: np.ndarray, lexical: np.ndarray, w_dense: float, w_lex: float) -> np.ndarray:
    """The reference: each side standardised over the finite papers only, the others -inf."""
    ok = np.isfinite(dense)

    def z(x: np.ndarray) -> np.ndarray:
        vals = x[ok]
        mean = np.add.reduce(vals) / vals.size
        dev = vals - mean
        sd = float(np.sqrt(np.add.reduce(dev * dev) / vals.size)) or 1.0
        return np.where(ok, (x - float(mean)) / sd, 0.0)

    return np.where(ok, w_dense * z(dense) + w_lex * z(lexical), -np.inf)


def test_every_paper_scored_fuses_as_the_masked_sums_do_bit_for_bit() -> None:
    rng = np.random.default_rng(3)
    for n in (2, 49, 500):
        dense, lexical = rng.standard_normal(n), np.abs(rng.standard_normal(n)) * 5
        for w_dense in (1.0, 0.4):
            got = fusion.weighted(dense, lexical, w_dense, fusion.LEX_WEIGHT)
            assert got.tobytes() == _masked(dense, lexical, w_dense, fusion.LEX_WEIGHT).tobytes()
        assert fusion.hybrid(dense, lexical).tobytes() == _masked(dense, lexical, 1.0, fusion.LEX_WEIGHT).tobytes()


def test_a_filtered_paper_stays_out_and_out_of_the_others_statistics() -> None:
    rng = np.random.default_rng(4)
    dense, lexical = rng.standard_normal(49), np.abs(rng.standard_normal(49))
    dense[[3, 17]] = -np.inf
    got = fusion.weighted(dense, lexical, 1.0, fusion.LEX_WEIGHT)
    assert np.isneginf(got[[3, 17]]).all() and np.isfinite(np.delete(got, [3, 17])).all()
    assert got.tobytes() == _masked(dense, lexical, 1.0, fusion.LEX_WEIGHT).tobytes()
    kept = np.delete(np.arange(49), [3, 17])  # the same papers without the filtered two: the same scores
    alone = fusion.weighted(dense[kept], lexical[kept], 1.0, fusion.LEX_WEIGHT)
    assert alone.tobytes() == got[kept].tobytes()
    assert (fusion.weighted(np.array([0.5, -np.inf]), np.array([1.0, 2.0]), 1.0, 0.3) == [0.0, -np.inf]).all()
