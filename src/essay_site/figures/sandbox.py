"""The sandbox, where code that is not the site's runs (``browser/sandbox.js``).

A page frames it in ``<iframe sandbox="allow-scripts" srcdoc>``, without
``allow-same-origin``: its origin is opaque, so Cache Storage, IndexedDB, cookies and
``localStorage`` are out of reach there. Its document is written by the page (``srcdoc``),
not fetched: a sandboxed frame's navigation passes no service worker, so a fetched one would
not load offline. Such a document keeps the page's policy and adds its own, which runs one
script, the relay (by its hash), and scripts and workers from blobs, and allows no connection.
The worker the relay starts from the bytes it is sent keeps both, so nothing leaves it: the
page hands it every file it needs.

The page carries the relay in an inert ``<template data-sandbox>`` (its policy in
``data-policy``), so the self_hosted plugin hashes it into the page's policy too.
"""

from __future__ import annotations

import base64
import hashlib
import html
from pathlib import Path

RELAY = Path(__file__).parent / "relay.js"


def policy(script: str) -> str:
    """The sandbox's own policy: its one inline ``script``, blobs, and no connection."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        f"default-src 'none'; script-src 'sha256-{digest}' blob: 'wasm-unsafe-eval'; "
        "worker-src blob:"
    )


def sandbox_template() -> str:
    """The inert template a page with figures carries: the relay and the sandbox's policy."""
    relay = RELAY.read_text(encoding="utf-8")
    sandbox = html.escape(policy(relay))
    return f'<template data-sandbox data-policy="{sandbox}"><script>{relay}</script></template>'
