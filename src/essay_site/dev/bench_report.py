"""What the bench (``bench.py``) measured, printed side by side with the reference's."""

from __future__ import annotations

import statistics
from typing import Any

from essay_site.dev import lighthouse


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report_audits(found: dict[str, list[lighthouse.Audit]], searches: dict[str, float]) -> None:
    """Lighthouse's scores and times side by side, and what search adds to blocking."""
    print(f"\n{'Lighthouse, mobile, gzip static server (median)':52} {'essay':>10} {'plain':>10}")
    for category in lighthouse.CATEGORIES:
        ours, theirs = (statistics.median(a.scores[category] for a in found[k]) for k in found)
        print(f"{category + ' score':52} {ours:10.0f} {theirs:10.0f}")
    for label, field, scale in (
        ("first contentful paint (s)", "fcp_ms", 1e-3),
        ("largest contentful paint (s)", "lcp_ms", 1e-3),
        ("total blocking time (ms)", "tbt_ms", 1),
        ("20 longest tasks, before first paint too (ms)", "long_tasks_ms", 1),
        ("cumulative layout shift", "cls", 1),
        ("elements in the page (dom-size passes at 818)", "elements", 1),
    ):
        ours, theirs = (statistics.median(getattr(a, field) for a in found[k]) for k in found)
        print(f"{label:52} {ours * scale:10.2f} {theirs * scale:10.2f}")
    failing = sorted({item for a in found["essay"] for item in a.failing})
    print("Essay audits not passed in some run: " + ("; ".join(failing) or "none"))
    label = "blocking until live, search on / off (ms)"
    print(f"\n{label:52} {searches['on']:10.2f} {searches['off']:10.2f}")


def report_sanitiser(timings: dict[str, dict[str, list[Any]]]) -> None:
    """Input to frame in place, with the sanitiser against without it."""
    heading = "input to frame in place (ms), sanitiser on / off"
    print(f"\n{heading:52} {'on':>10} {'off':>10} {'ratio':>7}")
    for name, runs in timings.items():
        for share in (0.5, 0.95):
            on, off = (percentile([m[0] for m in runs[w]], share) for w in ("on", "off"))
            label = f"{name} p{round(share * 100)}"
            print(f"{label:52} {on:10.2f} {off:10.2f} {on / off:7.2f}")


def report(results: dict[str, dict[str, Any]]) -> None:
    """Print the figures side by side, with the goals and the ratios."""
    essay, reference = results["essay"], results["reference"]

    def median(page: dict[str, Any], kind: str, field: str) -> float:
        return float(statistics.median(getattr(v, field) for v in page[kind]))

    rows = [
        ("first live, fresh profile (s)", "fresh", "live_ms", 1e-3),
        ("first live, warm profile (s)", "warm", "live_ms", 1e-3),
        ("blocking time until live, sum(task - 50 ms) (ms)", "fresh", "blocking_ms", 1),
        ("long tasks until live, sum of durations (ms)", "fresh", "long_tasks_ms", 1),
        ("bytes before live, raw (MB)", "fresh", "raw_bytes", 1e-6),
        ("bytes before live, gzip (MB)", "fresh", "gzip_bytes", 1e-6),
    ]
    print(f"\n{'median of runs':52} {'essay':>10} {'reference':>10} {'ratio':>7}")
    for label, kind, field, scale in rows:
        ours, theirs = median(essay, kind, field) * scale, median(reference, kind, field) * scale
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        print(f"{label:52} {ours:10.2f} {theirs:10.2f} {ratio:>7}")
    for column, what in ((0, "in place"), (1, "next frame")):
        for share in (0.5, 0.95):
            ours = percentile([m[column] for m in essay["slider"]], share)
            theirs = percentile([m[column] for m in reference["slider"]], share)
            label = f"slider input to {what} p{round(share * 100)} (ms)"
            print(f"{label:52} {ours:10.2f} {theirs:10.2f} {ours / theirs:7.2f}")
    warm_reference = median(reference, "warm", "live_ms") * 1e-3
    print("\nReturning reader, network off (the essay's saved copy) against the reference warm:")
    for label, field in (("first live", "live_ms"), ("all figures live", "all_live_ms")):
        ours = median(essay, "offline", field) * 1e-3
        label = f"{label}, returning offline (s)"
        print(f"{label:52} {ours:10.2f} {warm_reference:10.2f} {ours / warm_reference:7.2f}")
    site, snapshot = essay["saved"]
    label = "bytes saved for offline / the essay's site (MB)"
    print(f"{label:52} {site / 1e6:10.2f} {essay['site'] / 1e6:10.2f}")
    print(f"{'memory snapshot kept by the browser (MB)':52} {snapshot / 1e6:10.2f}")
    print("\nEditing a figure's Python (the editor loads, and its sandbox starts, on Edit):")
    for widget, (editable, (first, *runs)) in essay["edits"].items():
        print(f"{'Edit to an editable editor, ' + widget + ' (ms)':52} {editable:10.2f}")
        print(f"{'first Run, 3 s after Edit, to frame, ' + widget + ' (ms)':52} {first[0]:10.2f}")
        p50, p95 = (percentile([m[0] for m in runs], share) for share in (0.5, 0.95))
        label = f"Run to new frame in place, {widget} p50 / p95 (ms)"
        print(f"{label:52} {p50:10.2f} {p95:10.2f}")
    starts = {kind: statistics.median(times) for kind, times in essay["sandbox starts"].items()}
    label = "Edit, Run at once, to frame: snapshot / scratch (ms)"
    ratio = starts["snapshot"] / starts["scratch"]
    print(f"{label:52} {starts['snapshot']:10.2f} {starts['scratch']:10.2f} {ratio:7.2f}")
    print("\nEssay figures only (the reference has no such input):")
    skip = {"fresh", "warm", "slider", "offline", "saved", "site", "edits", "sandbox starts"}
    for name in [key for key in essay if key not in skip]:
        for column, what in ((0, "in place"), (1, "next frame")):
            p50, p95 = (percentile([m[column] for m in essay[name]], s) for s in (0.5, 0.95))
            print(f"{name + ' to ' + what + ' p50 / p95 (ms)':52} {p50:10.2f} {p95:10.2f}")
    print(
        "\nGoals: first live <= 0.5x reference; blocking <= 100 ms; slider p95 <= 16 ms; "
        "before live only the Pyodide core and numpy (about 17 MB raw, 9 MB gzip); "
        "orbit drag p95 <= 16 ms; samples p95 <= 16 ms (families 1-4), 150 ms (autoregressive); "
        "chip click p95 <= 16 ms; returning offline first live <= 0.25x reference warm."
    )
