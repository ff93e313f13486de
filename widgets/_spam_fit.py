"""Fitting the spam figure's two classifiers on the corpus, at build time (``nox -s fit``).

Not shipped to readers: ``spam_classifiers`` loads what this wrote to its data file. The
settings (vocabulary threshold, split, candidates, folds, curve sizes) are the figure's own,
since its caption states them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from widgets._adam import Adam
from widgets.spam_classifiers import (
    ALPHAS,
    CHIPS,
    FOLDS,
    HELD_OUT,
    MIN_EMAILS,
    PENALTIES,
    REPEATS,
    SIZES,
    SPLIT_SEED,
    Array,
    Classifiers,
    Masks,
    Matrix,
    sigmoid,
)


def split(count: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Indices of the training and held-out emails (fixed, seeded)."""
    order = np.random.default_rng(SPLIT_SEED).permutation(count)
    cut = round(count * (1 - HELD_OUT))
    return order[:cut], order[cut:]


def vocabulary(documents: list[set[str]]) -> list[str]:
    """Words in at least MIN_EMAILS of the documents, sorted."""
    counts: dict[str, int] = {}
    for document in documents:
        for word in document:
            counts[word] = counts.get(word, 0) + 1
    return sorted(word for word, count in counts.items() if count >= MIN_EMAILS)


def presence(documents: list[set[str]], words: list[str]) -> Matrix:
    """Binary word-presence vectors, one row per document."""
    column = {word: index for index, word in enumerate(words)}
    matrix = np.zeros((len(documents), len(words)), dtype=np.float32)
    for row, document in enumerate(documents):
        matrix[row, [column[word] for word in document if word in column]] = 1
    return matrix


def chip_masks(documents: list[set[str]]) -> Masks:
    """Which CHIPS each document contains, as bits (bit i: CHIPS[i])."""
    masks = np.zeros(len(documents), dtype=np.uint32)
    for bit, word in enumerate(CHIPS):
        masks |= np.array([word in d for d in documents], dtype=np.uint32) << np.uint32(bit)
    return masks


def fit_naive_bayes(x: Matrix, spam: NDArray[np.bool_], alpha: float) -> tuple[float, Array, Array]:
    """Bernoulli naive Bayes: log prior odds, and p(word present | spam), (| ham).

    Args:
        x: Word-presence vectors.
        spam: Labels.
        alpha: Additive smoothing of every count (1 is Laplace's rule).

    """
    n_spam = float(spam.sum())
    n_ham = float(len(spam) - n_spam)
    theta_spam = (x[spam].sum(axis=0) + alpha) / (n_spam + 2 * alpha)
    theta_ham = (x[~spam].sum(axis=0) + alpha) / (n_ham + 2 * alpha)
    prior = np.log((n_spam + 1) / (n_ham + 1))
    return float(prior), theta_spam.astype(np.float64), theta_ham.astype(np.float64)


class _Present:
    """Where a 0/1 matrix holds 1s, grouped by row and by column, for its two products.

    An email has about 130 of the vocabulary's thousands of words: summing over the words
    present does a fiftieth of the dense products' work.
    """

    def __init__(self, x: Matrix) -> None:
        self.shape = x.shape
        rows, self.columns = np.nonzero(x)  # row by row, in order
        self.row_starts, self.row_empty = self._starts(rows, x.shape[0])
        by_column = np.argsort(self.columns, kind="stable")
        self.rows_by_column = rows[by_column]
        self.column_starts, self.column_empty = self._starts(self.columns[by_column], x.shape[1])
        # The values each product sums, gathered in place (a fit takes thousands of products):
        # one per 1 of x, then a 0 that keeps every start in range (reduceat gives an empty
        # segment its next value, not 0). The indices are all valid: mode="clip" lets numpy
        # write straight into the buffer.
        self._by_row = np.zeros(len(self.columns) + 1)
        self._by_column = np.zeros(len(self.rows_by_column) + 1)

    @staticmethod
    def _starts(
        sorted_index: NDArray[np.intp], count: int
    ) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        starts = np.searchsorted(sorted_index, np.arange(count))
        ends = np.append(starts[1:], len(sorted_index))
        return starts, starts == ends

    @staticmethod
    def _sums(values: Array, starts: NDArray[np.intp], empty: NDArray[np.bool_]) -> Array:
        sums: Array = np.add.reduceat(values, starts)
        sums[empty] = 0
        return sums

    def times(self, weights: Array) -> Array:
        """``x @ weights``."""
        np.take(weights, self.columns, out=self._by_row[:-1], mode="clip")
        return self._sums(self._by_row, self.row_starts, self.row_empty)

    def transposed_times(self, values: Array) -> Array:
        """``x.T @ values``."""
        np.take(values, self.rows_by_column, out=self._by_column[:-1], mode="clip")
        return self._sums(self._by_column, self.column_starts, self.column_empty)


def fit_logistic(
    present: _Present,
    spam: NDArray[np.bool_],
    penalty: float,
    *,
    steps: int = 400,
    rate: float = 0.05,
) -> tuple[float, Array]:
    """L2-regularized logistic regression by full-batch Adam from zero: bias, weights.

    Args:
        present: The word-presence vectors' 1s (built once for every penalty tried on them).
        spam: Labels.
        penalty: The weights' L2 penalty.
        steps: Adam's steps.
        rate: Adam's step size.

    """
    y = spam.astype(np.float64)
    weights = np.zeros(present.shape[1])
    bias = np.zeros(1)
    adam = Adam([bias, weights], rate)
    for _ in range(steps):
        error = sigmoid(present.times(weights) + bias[0]) - y
        gradient = present.transposed_times(error) / len(y)
        adam.update([error.mean(keepdims=True), gradient + penalty * weights])
    return float(bias[0]), weights


def _error(classifiers: Classifiers, x: Matrix, spam: NDArray[np.bool_]) -> tuple[float, float]:
    nb, lr = classifiers.predict(x)
    return float(np.mean((nb > 0.5) != spam)), float(np.mean((lr > 0.5) != spam))


def _fit_both(
    words: list[str], x: Matrix, spam: NDArray[np.bool_], alpha: float, penalty: float
) -> Classifiers:
    prior, theta_spam, theta_ham = fit_naive_bayes(x, spam, alpha)
    bias, weights = fit_logistic(_Present(x), spam, penalty)
    return Classifiers(
        words,
        nb_prior=np.array(prior),
        theta_spam=theta_spam,
        theta_ham=theta_ham,
        lr_bias=np.array(bias),
        lr_weights=weights,
    )


def choose(x: Matrix, spam: NDArray[np.bool_]) -> tuple[float, float]:
    """Smoothing and penalty with the lowest cross-validated error on these emails."""
    folds = np.array_split(np.random.default_rng(2).permutation(len(spam)), FOLDS)
    nb_errors = np.zeros(len(ALPHAS))
    lr_errors = np.zeros(len(PENALTIES))
    for fold in folds:
        rest = np.setdiff1d(np.arange(len(spam)), fold)
        present = _Present(x[rest])
        for i, alpha in enumerate(ALPHAS):
            prior, theta_spam, theta_ham = fit_naive_bayes(x[rest], spam[rest], alpha)
            model = Classifiers(
                [],
                nb_prior=np.array(prior),
                theta_spam=theta_spam,
                theta_ham=theta_ham,
                lr_bias=np.array(0.0),
                lr_weights=np.zeros(x.shape[1]),
            )
            nb_errors[i] += _error(model, x[fold], spam[fold])[0]
        for i, penalty in enumerate(PENALTIES):
            bias, weights = fit_logistic(present, spam[rest], penalty)
            model = Classifiers(
                [],
                nb_prior=np.array(0.0),
                theta_spam=np.full(x.shape[1], 0.5),
                theta_ham=np.full(x.shape[1], 0.5),
                lr_bias=np.array(bias),
                lr_weights=weights,
            )
            lr_errors[i] += _error(model, x[fold], spam[fold])[1]
    return ALPHAS[int(np.argmin(nb_errors))], PENALTIES[int(np.argmin(lr_errors))]


def fit(documents: list[set[str]], spam: list[bool]) -> dict[str, NDArray[Any]]:
    """Fit both classifiers on the training split, measure them, and the learning curve."""
    labels = np.array(spam)
    train, test = split(len(documents))
    words = vocabulary([documents[i] for i in train])
    x = presence(documents, words)
    alpha, penalty = choose(x[train], labels[train])
    model = _fit_both(words, x[train], labels[train], alpha, penalty)
    nb_error, lr_error = _error(model, x[test], labels[test])
    rng = np.random.default_rng(1)
    curve = []
    for size in (*SIZES, len(train)):
        repeats = REPEATS if size < len(train) else 1
        errors = []
        for _ in range(repeats):
            subset = rng.choice(train, size=size, replace=False)
            fitted = _fit_both(words, x[subset], labels[subset], alpha, penalty)
            errors.append(_error(fitted, x[test], labels[test]))
        curve.append([size, *np.mean(errors, axis=0)])
    return {
        "vocabulary": np.frombuffer("\n".join(words).encode(), dtype=np.uint8),
        "nb_prior": np.array(model.nb_prior),
        "theta_spam": model.theta_spam.astype(np.float32),
        "theta_ham": model.theta_ham.astype(np.float32),
        "lr_bias": np.array(model.lr_bias),
        "lr_weights": model.lr_weights.astype(np.float32),
        "hyperparameters": np.array([alpha, penalty]),
        "accuracy": np.array([1 - nb_error, 1 - lr_error]),
        "learning_curve": np.array(curve),
        # The training emails' chips and labels: the corpus's own answer for any ticked set.
        "chip_masks": chip_masks([documents[i] for i in train]),
        "chip_spam": labels[train],
        "sizes": np.array([len(train), len(test), int(labels.sum()), len(labels)]),
    }
