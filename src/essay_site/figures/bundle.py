"""The figures' three bundles, made by the pinned esbuild at build time and cached by content.

``codemirror/`` holds the editor's entry point and npm's ``package-lock.json``, which pins
every package, esbuild included. esbuild bundles:

- the browser layer (``browser/*.js``, ES modules with one job each) into one minified
  classic script with a source map, ``figures.js``, which every page with figures loads;
- the code editor (CodeMirror 6 with Python) into one ES module, ``editor.js``, which a
  page loads only when a reader edits;
- the Python worker (``assets/worker.js`` and what it imports) into one classic script of the
  same name, which a sandbox can start from its bytes.

Each bundle is cached by the hash of its inputs, so later builds run nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path

from essay_site.assets import AssetError, npm_project, run_tool

EDITOR_SOURCES = Path(__file__).parent / "codemirror"
PINNED = ("package.json", "package-lock.json", "editor.mjs")
LAYER_SOURCES = Path(__file__).parent / "browser"
#: The browser layer's entry point, and the script it becomes.
LAYER_ENTRY = "main.js"
LAYER = "figures.js"
WORKER_SOURCES = Path(__file__).parent / "assets"
#: The Python worker's entry point, bundled under its own name.
WORKER = "worker.js"
#: The folders, beside each other, whose scripts either bundle may read: the browser layer
#: imports the worker's rule for restoring a memory snapshot (``assets/restore.js``).
SCRIPT_FOLDERS = ("browser", "assets")


def project(cache: Path) -> Path:
    """The pinned npm project (CodeMirror and esbuild), installed into the cache once."""
    return npm_project(EDITOR_SOURCES, PINNED, cache, "the code editor's npm packages")


def esbuild(cache: Path, arguments: list[str], outputs: list[Path], what: str) -> None:
    """Run the pinned esbuild; each of ``outputs`` appears whole or not at all."""
    tool = project(cache) / "node_modules" / "esbuild" / "bin" / "esbuild"
    with tempfile.TemporaryDirectory(dir=outputs[0].parent) as scratch:
        written = [Path(scratch) / output.name for output in outputs]
        run_tool(["node", str(tool), *arguments, f"--outdir={scratch}"], what)
        if not all(path.is_file() for path in written):
            raise AssetError(f"{what}: esbuild wrote nothing")
        for path, output in zip(written, outputs, strict=True):
            path.replace(output)


def editor_bundle(cache: Path) -> Path:
    """The bundled editor (``editor.js``), built into the cache on first use."""
    target = project(cache) / "editor.js"
    if not target.is_file():
        entry = str(project(cache) / "editor.mjs")
        arguments = [entry, "--bundle", "--format=esm", "--minify"]
        esbuild(cache, arguments, [target], "the code editor's bundle")
    return target


def layer_bundle(cache: Path) -> list[Path]:
    """The browser layer as one script and its source map, built on first use of each version.

    A classic script (an IIFE), not a module: ``document.currentScript`` names it, and it
    runs from ``<head>`` without waiting. The map points back at ``browser/*.js`` (and at
    ``assets/restore.js``, which a sandbox's snapshot is read by).
    """
    return bundled(cache, LAYER_SOURCES, LAYER_ENTRY, LAYER, "iife", "the figures' browser layer")


def worker_bundle(cache: Path) -> list[Path]:
    """The Python worker as one script and its source map, built on first use of each version.

    One classic script, because a sandbox starts it from bytes (a blob), where its imports of
    ``./downloads.js`` would lead nowhere, and where engines refuse a module worker (an opaque
    origin cannot fetch even its own blob as a module). The map points back at ``assets/*.js``.
    """
    return bundled(cache, WORKER_SOURCES, WORKER, WORKER, "iife", "the figures' Python worker")


def bundled(cache: Path, sources: Path, entry: str, name: str, form: str, what: str) -> list[Path]:
    """``entry`` in ``sources`` bundled as ``name`` in ``form`` with its map, cached by content.

    The content is every script of ``SCRIPT_FOLDERS`` beside ``sources``, which the map names
    by their paths from there (``browser/main.js``, ``assets/restore.js``).
    """
    root = sources.parent
    scripts = sorted(path for folder in SCRIPT_FOLDERS for path in (root / folder).glob("*.js"))
    digest = hashlib.sha256(
        form.encode()
        + b"".join(p.relative_to(root).as_posix().encode() + p.read_bytes() for p in scripts)
    )
    folder = cache / "bundles" / f"{Path(name).stem}-{digest.hexdigest()[:16]}"
    outputs = [folder / name, folder / f"{name}.map"]
    if not all(path.is_file() for path in outputs):
        folder.mkdir(parents=True, exist_ok=True)
        arguments = [str(sources / entry), "--bundle", f"--format={form}", "--minify"]
        arguments += ["--sourcemap", "--target=es2022", f"--entry-names={Path(name).stem}"]
        esbuild(cache, arguments, outputs, what)
        # The map names its sources as the package has them (browser/main.js, assets/restore.js),
        # not by esbuild's paths from wherever this machine's cache is.
        source_map = json.loads(outputs[1].read_text(encoding="utf-8"))
        named = [Path(n) for n in source_map["sources"]]
        source_map["sources"] = [f"{path.parent.name}/{path.name}" for path in named]
        outputs[1].write_text(json.dumps(source_map), encoding="utf-8")
    return outputs
