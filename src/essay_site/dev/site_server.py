"""A static server for a built site on 127.0.0.1, for the browser tests and the benchmark.

Used by the browser tests and the benchmark. The server serves ``.wasm`` as
``application/wasm`` (Pyodide needs it), counts the bytes it sends, and can be told to
misbehave for one path (wrong type, missing, corrupt, slow, stalling half-way, or a script
that keeps its thread busy for a while or for ever) so the tests can prove that a broken
runtime ends in a clear error and a slow one (link or computer) does not.
"""

from __future__ import annotations

import gzip
import mimetypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

Fault = Literal["wrong-type", "missing", "corrupt", "slow", "stall", "busy", "hang"]

#: The "slow" fault's link: 10 Mbps with no compression; slow enough that the runtime takes
#: longer than a short ``runtime_timeout``, fast enough to keep the test short.
SLOW_BYTES_PER_SECOND = 1_280_000
CHUNK = 16_384

#: What the "busy" and "hang" faults put before a script: the thread that runs it computes,
#: alive, for BUSY_SECONDS (a slow computer's long start-up step), or for ever (a hung one).
BUSY_SECONDS = 10
BUSY = b"{ const end = Date.now() + %d; while (Date.now() < end); }\n" % (BUSY_SECONDS * 1000)
HANG = b"for (;;);\n"


@dataclass
class Served:
    """One response: the file sent, its size in bytes, and when."""

    file: Path
    size: int
    at: float


@dataclass
class SiteServer:
    """A running server: its address, a log of what it sent, and the faults it injects."""

    root: Path
    url: str = ""
    #: Compress text on the fly, as a static host such as GitHub Pages does.
    compress: bool = False
    faults: dict[str, Fault] = field(default_factory=dict)
    log: list[Served] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: threading.Event = field(default_factory=threading.Event)

    def sent_since(self, start: float, until: float | None = None) -> tuple[int, int]:
        """Raw bytes sent between two ``time.monotonic()`` instants, and their gzip size."""
        with self.lock:
            chosen = [s for s in self.log if s.at >= start and (until is None or s.at <= until)]
        return sum(s.size for s in chosen), sum(_gzip_size(s.file) for s in chosen)


@cache
def _gzip_size(file: Path) -> int:
    """What a file weighs gzipped, as a server with compression on would send it."""
    return len(gzip.compress(file.read_bytes(), 6))


def _compressible(kind: str) -> bool:
    """Whether a static host would gzip this type: text, scripts, data, SVG and WebAssembly."""
    return kind.startswith("text/") or kind in {
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "application/wasm",
    }


class _Handler(SimpleHTTPRequestHandler):
    site: SiteServer

    def __init__(self, *args: Any, site: SiteServer, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, directory=str(site.root), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the structured log instead."""

    def do_GET(self) -> None:
        """Serve a file, or the fault configured for its path."""
        path = self.path.split("?", 1)[0]
        fault = next((f for suffix, f in self.site.faults.items() if path.endswith(suffix)), None)
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if fault == "missing" or not local.is_file():
            self.send_error(404)
            return
        body = local.read_bytes()
        kind = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        if fault == "wrong-type":
            kind = "text/plain"
        elif fault == "corrupt":
            body = body[: len(body) // 2]
        elif fault in ("busy", "hang"):
            body = (BUSY if fault == "busy" else HANG) + body
        self.send_response(200)
        if (
            self.site.compress
            and _compressible(kind)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(body, 6)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        if fault == "slow":
            for start in range(0, len(body), CHUNK):
                self.wfile.write(body[start : start + CHUNK])
                time.sleep(CHUNK / SLOW_BYTES_PER_SECOND)
        elif fault == "stall":
            # Half the file, then nothing more until the server stops.
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.site.stopped.wait()
            return
        else:
            self.wfile.write(body)
        with self.site.lock:
            self.site.log.append(Served(local, len(body), time.monotonic()))


@contextmanager
def serve(root: Path, *, compress: bool = False) -> Iterator[SiteServer]:
    """Serve ``root`` on a free port of 127.0.0.1 until the block ends (gzip if ``compress``)."""
    site = SiteServer(root, compress=compress)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, site=site))
    site.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopped.set()
        server.shutdown()
        server.server_close()
