"""The figures' two bundles, made by the pinned esbuild at build time and cached by content.

``codemirror/`` holds the editor's entry point and npm's ``package-lock.json``, which pins
every package, esbuild included. esbuild bundles:

- the browser layer (``browser/*.js``, ES modules with one job each) into one minified
  classic script with a source map, ``figures.js``, which every page with figures loads;
- the code editor (CodeMirror 6 with Python) into one ES module, ``editor.js``, which a
  page loads only when a reader edits.

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
    runs from ``<head>`` without waiting. The map points back at ``browser/*.js``.
    """
    sources = sorted(LAYER_SOURCES.glob("*.js"))
    digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in sources))
    folder = cache / "browser-layer" / digest.hexdigest()[:16]
    outputs = [folder / LAYER, folder / f"{LAYER}.map"]
    if not all(path.is_file() for path in outputs):
        folder.mkdir(parents=True, exist_ok=True)
        arguments = [str(LAYER_SOURCES / LAYER_ENTRY), "--bundle", "--format=iife", "--minify"]
        arguments += ["--sourcemap", "--target=es2022", f"--entry-names={Path(LAYER).stem}"]
        esbuild(cache, arguments, outputs, "the figures' browser layer")
        # The map names its sources as the package has them, not as this machine's paths.
        source_map = json.loads(outputs[1].read_text(encoding="utf-8"))
        source_map["sources"] = [f"browser/{Path(name).name}" for name in source_map["sources"]]
        outputs[1].write_text(json.dumps(source_map), encoding="utf-8")
    return outputs
