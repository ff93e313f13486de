"""Logistic regression against naive Bayes on SpamAssassin: the model, a refit, the page."""

from __future__ import annotations

import math

import numpy as np
import pytest
from playwright.sync_api import expect

from essay_site.dev.datasets import email_text, spam_assassin, words
from essay_site.dev.fit import fit
from essay_site.figures import api
from tests.conftest import Visit, live
from widgets import _spam_fit, spam_classifiers
from widgets.spam_classifiers import CHIPS, PAIR, Classifiers, classifiers, corpus_answer

RAW = """From: someone@example.com
X-Spam-Flag: YES
Subject: Bank transfer
Content-Type: text/html

<html><style>p {color: red}</style><script>alert("x")</script>
<p>Your <b>account</b> &amp; money</p></html>
"""


@pytest.fixture(scope="module")
def model() -> Classifiers:
    return classifiers()[0]


def test_email_text_keeps_subject_and_body_only() -> None:
    text = email_text(RAW)
    assert words(text) == {"bank", "transfer", "your", "account", "money"}


def test_probabilities_are_the_models_own_formulas(model: Classifiers) -> None:
    # Written out per email, word by word, as a textbook would: P(spam | x) from Bayes' rule
    # over independent Bernoulli words, and sigmoid(b + w . x).
    x = np.random.default_rng(0).integers(0, 2, size=(5, len(model.words)))
    nb, lr = model.predict(x)
    for row, email in enumerate(x):
        spam = math.exp(model.nb_prior)  # prior odds, as the fit stored them
        for present, ts, th in zip(email, model.theta_spam, model.theta_ham, strict=True):
            spam *= (ts / th) if present else ((1 - ts) / (1 - th))
        assert nb[row] == pytest.approx(spam / (1 + spam), rel=1e-9, abs=1e-12)
        score = model.lr_bias + sum(w for w, on in zip(model.lr_weights, email, strict=True) if on)
        assert lr[row] == pytest.approx(1 / (1 + math.exp(-score)), rel=1e-9)


def test_a_words_evidence_is_its_likelihood_ratio(model: Classifiers) -> None:
    # Ticking a word replaces its "absent" factor by its "present" one in the odds.
    for word in PAIR:
        ts, th = (float(t[model.index[word]]) for t in (model.theta_spam, model.theta_ham))
        expected = math.log(ts / th) - math.log((1 - ts) / (1 - th))
        assert float(model.nb_shift[model.index[word]]) == pytest.approx(expected, rel=1e-12)


def test_the_corpus_answer_is_a_hand_count() -> None:
    # Counted again from the raw emails, the plain way: the training split's emails that
    # contain both words, and how many of those are spam.
    emails = spam_assassin()
    train, _ = _spam_fit.split(len(emails))
    documents = [(words(email_text(emails[i][0])), emails[i][1]) for i in train]
    with_both = [spam for document, spam in documents if set(PAIR) <= document]
    measured = classifiers()[1]
    answer = corpus_answer(measured["chip_masks"], measured["chip_spam"], list(PAIR))
    assert answer == (sum(with_both), len(with_both)) == (58, 68)


def test_unknown_words_make_naive_bayes_answer_the_corpus_question(model: Classifiers) -> None:
    # One word: naive Bayes with the rest left out is the corpus share, up to smoothing.
    measured = classifiers()[1]
    for word in CHIPS:
        spam, total = corpus_answer(measured["chip_masks"], measured["chip_spam"], [word])
        nb = spam_classifiers.sigmoid(model.naive_bayes([word], "unknown")[0])
        assert nb == pytest.approx(spam / total, abs=0.02), word
    # Two correlated words: it multiplies their evidence and is surer than the corpus.
    spam, total = corpus_answer(measured["chip_masks"], measured["chip_spam"], list(PAIR))
    assert spam_classifiers.sigmoid(model.naive_bayes(list(PAIR), "unknown")[0]) > spam / total


def test_absent_words_are_the_full_bernoulli_model(model: Classifiers) -> None:
    present = ["bank", "wrote", "linux"]
    nb = model.naive_bayes(present, "absent")[0]
    assert nb == pytest.approx(float(model.log_odds(model.vector(present))[0]), rel=1e-12)


def test_held_out_accuracy_beats_a_floor() -> None:
    # Always answering "ham" scores 4,150 / 6,046 = 68.6%; a usable filter must do far
    # better, so the floor is 90% for both.
    nb, lr = classifiers()[1]["accuracy"]
    assert nb > 0.9 and lr > 0.9


def test_learning_curve_is_measured_errors() -> None:
    curve = classifiers()[1]["learning_curve"]
    assert list(curve[:-1, 0]) == list(spam_classifiers.SIZES)
    assert np.all((curve[:, 1:] >= 0) & (curve[:, 1:] <= 1))
    assert curve[0, 2] > curve[-1, 2], "logistic regression improves with data"


def test_every_chip_is_in_the_vocabulary(model: Classifiers) -> None:
    assert all(word in model.index for word in CHIPS)


def test_text_is_escaped_in_the_page() -> None:
    panel = spam_classifiers._panel("<b>title</b>", "nb", 0.0, 0.0, [("<script>", 1.0)])
    assert "<script>" not in panel and "&lt;script&gt;" in panel
    frame = api.render(spam_classifiers)
    assert "<script" not in frame.html


@pytest.mark.parametrize("shape", [(40, 30), (1, 3), (6, 1), (3, 4)])
def test_the_fits_sparse_products_are_the_dense_ones(shape: tuple[int, int]) -> None:
    # Empty rows and columns included (a small sample of emails misses most words).
    rng = np.random.default_rng(0)
    x = (rng.random(shape) < 0.2).astype(np.float32)
    x[0], x[:, -1] = 0, 0
    present = _spam_fit._Present(x)
    weights, values = rng.random(shape[1]), rng.random(shape[0])
    np.testing.assert_allclose(present.times(weights), x @ weights, rtol=1e-12)
    np.testing.assert_allclose(present.transposed_times(values), x.T @ values, rtol=1e-12)


def test_fitting_again_reproduces_the_committed_parameters() -> None:
    refit = fit("spam_classifiers")
    with np.load(spam_classifiers.PARAMETERS) as stored:
        assert sorted(stored.files) == sorted(refit)
        # Error rates are counts over 1,209 held-out emails: another CPU's rounding may flip
        # an email on the boundary, so they may move by two emails; weights by 1e-4.
        for name in stored.files:
            close = 2 / 1209 if name in {"accuracy", "learning_curve"} else 1e-4
            np.testing.assert_allclose(refit[name], stored[name], atol=close, err_msg=name)


@pytest.mark.browser
def test_chips_by_mouse_and_keyboard(essay: Visit) -> None:
    opened = essay
    page = opened.page
    figure = live(page, "spam_classifiers")
    nb, lr = figure.locator('[data-role="nb"]'), figure.locator('[data-role="lr"]')
    corpus = figure.locator('[data-role="corpus"]')
    expect(corpus).to_have_text("0.853")  # 58 of the 68 training emails with both words
    before = (nb.text_content(), lr.text_content())
    page.get_by_label("ACCOUNT").click()
    expect(corpus).to_have_text("0.745")  # 105 of 141 with BANK
    page.get_by_label("Naive Bayes counts unticked words as").select_option("absent")
    expect(nb).to_have_text("0.000")  # the absent words' evidence swamps BANK
    expect(figure).to_contain_text("Unticked words are absent")
    page.get_by_label("WROTE").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("WROTE")).to_be_checked()
    expect(figure.locator("tbody th", has_text="WROTE")).to_have_count(2)
    assert (nb.text_content(), lr.text_content()) != before
    assert float(lr.text_content() or "nan") < float(before[1] or "nan"), "WROTE means ham"
    assert opened.external == []
    assert opened.errors == []
