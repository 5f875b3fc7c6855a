"""``papersearch eval``'s report as text: metrics per mode, type and half, the no-match figures, the assistant's
floors, and each type's nDCG@10 beside a baseline's."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..query.evaluate import Report


def show_report(result: Report, baseline: dict[str, dict[str, float]] | None = None) -> None:
    """``papersearch eval``: metrics per mode, per query type and per half, the no-match figures, and the
    assistant's floors per half; with ``baseline`` (an earlier report's ``kinds``), each type's nDCG@10 beside it."""
    from ..query.metrics import METRICS

    def rows(title: str, table: dict[str, dict[str, float]], counts: dict[str, int] | None = None) -> None:
        print(f"\n{title:<14}" + ("      n" if counts else "") + "".join(f"{m:>11}" for m in METRICS))
        for name, row in table.items():
            n = f"{counts.get(name, 0):>7}" if counts else ""
            print(f"{name:<14}{n}" + "".join(f"{row.get(m, float('nan')):>11.4f}" for m in METRICS))

    rows("mode", result.modes)
    rows("type (hybrid)", result.kinds, result.counts)
    rows("half (hybrid)", result.halves)
    nm = result.no_match
    print(
        f"\nno match: {result.counts.get('out-of-scope', 0)} out-of-scope queries; "
        f"precision {nm['precision']:.4f}, recall {nm['recall']:.4f}, in-scope flagged {nm['in_scope_flagged']:.4f}"
    )
    if baseline:
        show_baseline(result, baseline)
    show_floors(result)


def show_baseline(result: Report, baseline: dict[str, dict[str, float]]) -> None:
    """Each type's hybrid nDCG@10 per half and overall, beside the baseline's (overall); "lower" where it fell."""
    print(f"\n{'type':<14}{'tune':>9}{'held-out':>10}{'all':>9}{'baseline':>10}")
    for kind, row in result.kinds.items():
        if kind not in baseline:
            continue
        halves = [result.kinds_by_half[h].get(kind, {}).get("ndcg@10", float("nan")) for h in ("tune", "held-out")]
        now, then = row["ndcg@10"], baseline[kind]["ndcg@10"]
        mark = "  lower" if now < then else ""
        print(f"{kind:<14}{halves[0]:>9.4f}{halves[1]:>10.4f}{now:>9.4f}{then:>10.4f}{mark}")


def show_floors(result: Report) -> None:
    """The assistant's floors per half: each measure as a share and a count, and whether it holds."""
    from ..query.floors import CITES_ALL, FLOORS

    print(f"\n{'assistant (hybrid)':<40}{'floor':>8}" + "".join(f"{h:>20}" for h in result.floors))
    for f in FLOORS:
        cells = []
        for tallies in result.floors.values():
            t = tallies[f.name]
            cells.append(f"{t.share:.3f} ({t.hits}/{t.of}){'' if f.holds(t) else ' ✗'}".rjust(20))
        print(f"{f.name:<40}{('≥ ' if f.at_least else '≤ ') + format(f.floor, 'g'):>8}" + "".join(cells))
    extra = [
        f"{result.floors[h][CITES_ALL].share:.3f} ({result.floors[h][CITES_ALL].hits}/{result.floors[h][CITES_ALL].of})".rjust(
            20
        )
        for h in result.floors
    ]
    print(f"{CITES_ALL:<40}{'':>8}" + "".join(extra))
    print(f"sentences not verbatim from the list: {result.not_verbatim} (must be 0)")
    print(f"README question quotes 1986 and 2005: {'yes' if result.readme else 'no'}")
