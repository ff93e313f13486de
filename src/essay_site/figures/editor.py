"""The figures' code editor: CodeMirror 6 with Python, bundled once per pin set.

``codemirror/`` holds the entry point and npm's ``package-lock.json``, which pins every
package, esbuild included. esbuild bundles it into one ES module that pages load only
when a reader edits. The bundle is cached by the hash of those files, so later builds
fetch nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from essay_site.assets import AssetError, npm_project, run_tool

SOURCES = Path(__file__).parent / "codemirror"
PINNED = ("package.json", "package-lock.json", "editor.mjs")


def editor_bundle(cache: Path) -> Path:
    """The bundled editor (``editor.js``), built into the cache on first use."""
    project = npm_project(SOURCES, PINNED, cache, "the code editor's npm packages")
    target = project / "editor.js"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(dir=project) as scratch:
        bundle = Path(scratch) / "editor.js"
        esbuild = project / "node_modules" / "esbuild" / "bin" / "esbuild"
        bundling = ["node", str(esbuild), str(project / "editor.mjs"), "--bundle", "--format=esm"]
        run_tool([*bundling, "--minify", f"--outfile={bundle}"], "the code editor's bundle")
        if not bundle.is_file():
            raise AssetError("the code editor's bundle: esbuild wrote nothing")
        bundle.replace(target)
    return target
