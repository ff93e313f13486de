"""Totals of a throw of dice: how many ways each total can come up.

The reader picks how many dice and which kind. The model counts, exactly, the ways each total
arises (a convolution of the faces), and the figure lists each total's probability as a bar.
"""

from __future__ import annotations

from collections import Counter

from essay_site.figures.api import Choice, Frame, Slider, State

from ._faces import DICE

DATA_FILES = ("dice.json",)

# --- The model: exact counting ------------------------------------------------------------


def ways(count: int, faces: list[int]) -> dict[int, int]:
    """How many of the ``len(faces) ** count`` throws give each total."""
    totals = Counter({0: 1})
    for _ in range(count):
        step: Counter[int] = Counter()
        for total, times in totals.items():
            for face in faces:
                step[total + face] += times
        totals = step
    return dict(sorted(totals.items()))


# --- The figure ---------------------------------------------------------------------------

CONTROLS = (
    Slider("n", "Dice", min=1, max=4, step=1, value=2),
    Choice(
        "kind",
        "Kind",
        options=tuple((kind, kind.capitalize()) for kind in DICE),
        value="six-sided",
    ),
)


def render(state: State) -> Frame:
    """One bar per total, its length the total's probability."""
    counts = ways(int(state["n"]), DICE[str(state["kind"])])
    throws = sum(counts.values())
    rows = "".join(
        f'<li data-total="{total}"><span>{total}</span>'
        f'<span class="bar" style="width: {100 * times / throws:.1f}%"></span>'
        f"<span>{times}/{throws}</span></li>"
        for total, times in counts.items()
    )
    likeliest = max(counts, key=lambda total: counts[total])
    spread = f"totals {min(counts)} to {max(counts)}, {likeliest} likeliest"
    alt = f"{state['n']} {state['kind']} dice: {spread}"
    return Frame(f'<ol class="dice">{rows}</ol>', alt)
