"""The pixel explosion: how many images n binary pixels can make.

The reader drags n, the number of binary pixels. The figure shows the number of
possible images (the books in the essay's library), the free parameters a fully
general joint distribution over them needs (2^n - 1), a bar of 2^n relative to 2^28
that fills and then overflows, and a logarithmic ruler with physical landmarks.

The model is exact integer arithmetic (Python integers have no size limit), so
2^784 is computed, never approximated, until it is formatted for display.
"""

from __future__ import annotations

import html
from decimal import Decimal
from typing import NamedTuple

from essay_site.figures.api import Frame, Slider, State

# --- The model: pure arithmetic, no browser ------------------------------------------

#: The bar is full at 2^28 possible images, the essay's threshold.
BAR_BITS = 28

#: Largest count printed digit by digit; beyond it, scientific notation.
EXACT_DIGITS = 21


class Landmark(NamedTuple):
    """A count of things that the ruler marks, as a power of two."""

    bits: int
    label: str


LANDMARKS = (
    Landmark(BAR_BITS, "2²⁸: the bar is full"),
    Landmark(265, "2²⁶⁵ ≈ 10⁸⁰ atoms in the observable universe"),
    Landmark(784, "2⁷⁸⁴: every 28×28 binary image"),
)


def images(n: int) -> int:
    """Number of distinct binary images with ``n`` pixels: 2^n."""
    if n < 0:
        raise ValueError("the number of pixels cannot be negative")
    return 1 << n


def free_parameters(n: int) -> int:
    """Free parameters of the most general joint distribution over n binary pixels.

    One probability per configuration, less one because they must sum to 1.
    """
    return images(n) - 1


def bar_fraction(n: int) -> float:
    """How much of the bar 2^n fills, where 2^28 fills it exactly; capped at 1."""
    return min(images(n) / images(BAR_BITS), 1.0)


def overflow_bits(n: int) -> int:
    """How many doublings past the full bar n pixels are (0 while the bar is not full)."""
    return max(n - BAR_BITS, 0)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(number: int) -> str:
    """Write an integer as Unicode superscript digits (for exponents)."""
    return str(number).translate(_SUPERSCRIPT)


def format_count(value: int) -> str:
    """An exact integer with thousands separators, or scientific notation if too long.

    >>> format_count(1023)
    '1,023'
    >>> format_count(2**784 - 1)
    '1.02 × 10²³⁶'
    """
    if len(str(value)) <= EXACT_DIGITS:
        return f"{value:,}"
    mantissa, exponent = f"{Decimal(value):.2e}".split("e")
    return f"{mantissa} × 10{superscript(int(exponent))}"


def passed_landmarks(n: int) -> list[Landmark]:
    """The landmarks that n pixels have reached or passed."""
    return [mark for mark in LANDMARKS if n >= mark.bits]


# --- The figure: controls and drawing -------------------------------------------------

MAX_PIXELS = 800

CONTROLS = (Slider("n", "Binary pixels n", min=1, max=MAX_PIXELS, step=1, value=10),)


def _ruler(n: int) -> str:
    """A logarithmic ruler from 2^0 to 2^MAX_PIXELS with landmarks and the current n."""
    marks = "".join(
        f'<li class="gm-px__mark{" gm-px__mark--passed" if n >= mark.bits else ""}" '
        f'style="left:{100 * mark.bits / MAX_PIXELS:.3f}%">'
        f"<span>{html.escape(mark.label)}</span></li>"
        for mark in LANDMARKS
    )
    return (
        '<div class="gm-px__ruler" aria-hidden="true">'
        f'<div class="gm-px__reach" style="width:{100 * n / MAX_PIXELS:.3f}%"></div>'
        f'<ol class="gm-px__marks">{marks}</ol></div>'
        '<p class="gm-px__scale">Logarithmic scale: each step right doubles the count.</p>'
    )


def render(state: State) -> Frame:
    """Draw the readouts, the bar and the ruler for ``state["n"]`` pixels."""
    n = int(state["n"])
    count = format_count(images(n))
    params = format_count(free_parameters(n))
    over = n >= BAR_BITS
    fraction = bar_fraction(n)
    if overflow_bits(n):
        bar_text = f"2{superscript(n)} = 2²⁸ × 2{superscript(overflow_bits(n))}: off the bar"
    else:
        bar_text = f"2{superscript(n)} / 2²⁸ = {fraction:.3g}"
    reached = passed_landmarks(n)
    landmark = f" Past {reached[-1].label}." if len(reached) > 1 else ""
    markup = (
        '<div class="gm-px">'
        '<dl class="gm-px__readouts">'
        f'<div><dt>Pixels n</dt><dd data-role="n">{n}</dd></div>'
        f'<div><dt>Possible images (books) 2ⁿ</dt><dd data-role="images">{count}</dd></div>'
        f'<div><dt>Free parameters 2ⁿ − 1</dt><dd data-role="parameters">{params}</dd></div>'
        "</dl>"
        '<div class="gm-px__bar" aria-hidden="true">'
        f'<div class="gm-px__fill{" gm-px__fill--over" if over else ""}" '
        f'style="width:{100 * fraction:.4f}%"></div></div>'
        f'<p class="gm-px__label{" gm-px__label--over" if over else ""}" data-role="bar-label">'
        f"{bar_text}</p>"
        f"{_ruler(n)}"
        "</div>"
    )
    alt = (
        f"{n} binary pixels make {count} possible images and need {params} free parameters. "
        f"The bar of 2^n relative to 2^28 is {'full and overflowing' if over else 'not full'}."
        f"{landmark}"
    )
    return Frame(html=markup, alt=alt)
