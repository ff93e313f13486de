"""A link's code that tries, from its sandbox, each way to what it must not reach (the
engines' scenario ``a_links_code_reaches_nothing_it_must_not``)."""

#: A link's code that tries, on import, to reach what it must not, each attempt noted as it
#: ends; its frames say how each ended. SITE is the site's address.
ATTACKED = "normalizing_flow"
ATTACKS = """

import js
import numpy
from pyodide.code import run_js
from pyodide.ffi import create_proxy, to_js

from essay_site.figures.api import Frame

_tried = {}


def _tell(label):
    said = {"step": 0, "label": label, "loaded": 0, "total": 0}
    js.postMessage(to_js({"type": "progress", "data": said}, dict_converter=js.Object.fromEntries))


def _try(name, attempt):
    _tried[name] = "pending"
    # Told to the page before and after: if an attempt holds this worker, the scenario names it.
    _tell(f"attempting {name}")
    try:
        result = attempt()
    except Exception:
        _tried[name] = "refused"
        result = None
    if hasattr(result, "then"):
        allowed = create_proxy(lambda value: _tried.__setitem__(name, f"allowed {value}"))
        refused = create_proxy(lambda error: _tried.__setitem__(name, "refused"))
        result.then(allowed, refused)
    elif _tried[name] == "pending":
        _tried[name] = "allowed"
    _tell(f"attempted {name}")


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


# The attempts run once the import has returned (from a timer), not during it. In Firefox, on a
# loaded machine, a run that made them was stopped now and then by the run's 20 s watch (its
# worker silent; Firefox sets up a worker's XMLHttpRequest, WebSocket and new Worker through
# the page's main thread, which may be the wait). From a timer they reach the same, and a slow
# attempt delays frames instead of ending the run.
def _attack():
    _fetch = js.WorkerGlobalScope.prototype.fetch
    _try("caches", lambda: js.caches.keys().then(lambda keys: f"{keys.length} caches"))
    _try("caches.put", lambda: js.caches.open("attack").then(
        lambda cache: cache.put("SITE", js.Response.new("attacked"))))
    _try("indexedDB", lambda: js.indexedDB.open("attack"))
    _try("localStorage", lambda: js.localStorage.setItem("attack", "1"))
    _try("fetch this site", lambda: _fetch.call(js.self, "SITE"))
    _try("fetch another host", lambda: _fetch.call(js.self, "http://attack.invalid/"))
    _try("XMLHttpRequest", lambda: _request("SITE"))
    _try("WebSocket", lambda: _socket("ws://attack.invalid/"))
    _try("import()", lambda: run_js("import('SITE')"))
    _try("importScripts", lambda: js.importScripts("SITEassets/figures/worker.js"))
    _try("new Worker", lambda: _worker("SITEassets/figures/worker.js"))
    for _type in ("progress", "took", "ready", "frame", "error", "ran"):
        _data = {"id": "density_surface", "html": "<p>attacked</p>", "alt": "attacked",
                 "layers": [], "message": "attacked", "detail": "", "request": "render",
                 "ok": True, "controls": "", "line": None, "step": 1, "label": "attacked",
                 "loaded": 0, "total": 0}
        _message = to_js({"type": _type, "data": _data}, dict_converter=js.Object.fromEntries)
        js.postMessage(_message)
    _tell("attempted all")


js.setTimeout(create_proxy(_attack), 0)
# What density_surface computes with, and this figure does not.
numpy.cos = numpy.radians = numpy.cross = None

_render = render


def render(state):
    frame = _render(state)
    tried = "; ".join(f"{name}: {how}" for name, how in sorted(_tried.items()))
    return Frame(frame.html + f'<p data-attacks="">{tried}</p>', frame.alt, frame.layers)
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
