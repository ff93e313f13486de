"""The figures' code editor: CodeMirror 6 with Python, bundled once per pin set.

``codemirror/`` holds the entry point and npm's ``package-lock.json``, which pins every
package file by its integrity hash; ``npm ci`` refuses anything else. esbuild (itself
pinned there) bundles it into one ES module that pages load only when a reader edits.
The bundle is cached by the hash of those files, so later builds fetch nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from essay_site.assets import AssetError, run_tool

SOURCES = Path(__file__).parent / "codemirror"
PINNED = ("package.json", "package-lock.json", "editor.mjs")


def editor_bundle(cache: Path) -> Path:
    """The bundled editor (``editor.js``), built into the cache on first use."""
    digest = hashlib.sha256(b"".join((SOURCES / name).read_bytes() for name in PINNED))
    target = cache / "editor" / digest.hexdigest()[:16] / "editor.js"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent.parent) as scratch:
        work = Path(scratch)
        for name in PINNED:
            shutil.copy2(SOURCES / name, work / name)
        # Scripts off: nothing runs at install; esbuild's binary is a pinned package too.
        npm = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", scratch]
        run_tool(npm, "the code editor's npm packages")
        esbuild = work / "node_modules" / "esbuild" / "bin" / "esbuild"
        entry, bundle = str(work / "editor.mjs"), str(work / "editor.js")
        bundling = ["node", str(esbuild), entry, "--bundle", "--format=esm", "--minify"]
        run_tool([*bundling, f"--outfile={bundle}"], "the code editor's bundle")
        if not (work / "editor.js").is_file():
            raise AssetError("the code editor's bundle: esbuild wrote nothing")
        (work / "editor.js").replace(target)
    return target
