"""The sandbox page, where code that is not the site's runs (``browser/sandbox.js``).

A page frames it in ``<iframe sandbox="allow-scripts">``, without ``allow-same-origin``: its
origin is opaque, so Cache Storage, IndexedDB, cookies and ``localStorage`` throw there. Its
policy runs one script, the relay (by its hash), and scripts and workers from blobs; it allows
no connection at all. The worker the relay starts from the bytes it is sent inherits that
policy, so nothing leaves it: the page hands it every file it needs.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

RELAY = Path(__file__).parent / "relay.js"
#: The sandbox page, in the figures' assets folder.
PAGE = "sandbox.html"


def policy(script: str) -> str:
    """The page's Content-Security-Policy: its one inline ``script``, blobs, and no connection."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return (
        f"default-src 'none'; script-src 'sha256-{digest}' blob: 'wasm-unsafe-eval'; "
        "worker-src blob:"
    )


def sandbox_page() -> str:
    """The whole sandbox page."""
    relay = RELAY.read_text(encoding="utf-8")
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy(relay)}">\n'
        f"<title>Sandbox</title>\n<script>{relay}</script>\n</head>\n<body></body>\n</html>\n"
    )
