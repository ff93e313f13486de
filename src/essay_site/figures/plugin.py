"""The ``figures`` plugin: find figure markers, pre-render them, ship them to the browser.

A figure is placed in Markdown with a block naming its module in the figures folder::

    /// figure | pixel_explosion
    The caption, in Markdown.
    ///

At build time the module runs under CPython and its default state is written into the
page, so the figure is complete before any JavaScript. After the build, the modules,
the Pyodide core and the packages the figures import are copied into the site, each
package file verified against the official lock.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import json
import keyword
import re
import shutil
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from essay_site.assets import AssetError, PyodideRuntime, cache_dir, sha256_of
from essay_site.figures import api
from essay_site.figures.bundle import LAYER, editor_bundle, layer_bundle, worker_bundle
from essay_site.figures.config import FiguresConfig
from essay_site.figures.contract import (
    CLASSES,
    EDITOR,
    KIT,
    MODULES,
    SHARED,
    SITE_FOLDER,
    SOURCE,
    as_json,
)
from essay_site.figures.imports import FRAMEWORK, Imports, walk
from essay_site.figures.markers import MarkerError, Placement, scan
from essay_site.figures.markup import FigureMarkup, controls_html, figure_inner, figure_outer
from essay_site.figures.sandbox import sandbox_template
from essay_site.figures.source import fragment
from essay_site.figures.static import static_html
from essay_site.pins import PYODIDE, PYODIDE_CORE_FILES
from essay_site.places import source_path

ASSETS = Path(__file__).parent / "assets"
#: Where the framework's own Python files are (``essay_site/...``), to ship its figure API.
SOURCES = Path(__file__).parents[2]
WIDGET = re.compile(r'data-widget="([^"]+)"')
# Stands for the figures' site folder, relative to the page, until the page is known.
ASSETS_MARK = "@@live-assets@@"
SLOT = re.compile(r'<div data-live-slot="(\d+)">\s*</div>')
#: The pre-rendered pictures' folder, inside the figures' site folder; named by content.
PICTURES = "pictures"


def front_matter_lines(page: Page, markdown: str) -> int:
    """How many lines of the source file precede ``markdown`` (its YAML front matter).

    MkDocs hands plugins the Markdown without the front matter; error messages must
    still name the line a reader sees in their editor.
    """
    raw = page.file.content_string
    return raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0


def figure_frames(error: BaseException, folder: Path, root: Path) -> str:
    """``folder/name.py:line`` of the innermost traceback frame in a figure or its helpers.

    The figure API lives outside the folder: its checks report the figure's mistakes.
    A syntax error has no frame of its own: its file and line are on the error.
    """
    places = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(error.__traceback__)]
    if isinstance(error, SyntaxError) and error.filename:
        places.append((error.filename, error.lineno))
    for filename, line in reversed(places):
        path = Path(filename).resolve()
        if path.is_relative_to(folder.resolve()):
            return f"{path.relative_to(root.resolve())}:{line}"
    return ""


def package_of(folder: Path) -> str:
    """The package the figures folder is imported as, in the build and in the browser: its name.

    Raises:
        PluginError: The folder is not a package, or its name cannot be one of its own.

    """
    if not (folder / "__init__.py").is_file():
        raise PluginError(f"{folder}: not a figures folder (no __init__.py)")
    name = folder.name
    if not name.isidentifier() or keyword.iskeyword(name):
        raise PluginError(f"{folder}: a figures folder's name must be a Python name, not {name!r}")
    if name in sys.stdlib_module_names or name == FRAMEWORK:
        raise PluginError(f"{folder}: a figures folder may not be named after the module {name!r}")
    return name


def last_lines(error: BaseException, count: int = 6) -> str:
    """The last lines of the error's traceback, indented, to show under a build error."""
    lines = "".join(traceback.format_exception(error)).rstrip().splitlines()
    return "\n".join(f"    {line}" for line in lines[-count:])


@dataclass(frozen=True)
class Marker:
    """A figure block found in a page: the placement, and the page's source file."""

    placement: Placement
    src: str

    @property
    def name(self) -> str:
        """The figure's module."""
        return self.placement.name

    @property
    def where(self) -> str:
        """``file:line`` of the block, for error messages."""
        return f"{self.src}:{self.placement.line}"


class FiguresPlugin(BasePlugin[FiguresConfig]):
    """Turns ``/// figure | name`` blocks into pre-rendered, live figures."""

    def __init__(self) -> None:
        self.root: Path = Path()
        self.folder: Path = Path()
        self.package = ""
        self.runtime: PyodideRuntime | None = None
        self.used: dict[str, list[str]] = {}
        self.slots: list[str] = []
        self.files: set[str] = set()
        self.helpers: dict[str, list[str]] = {}
        self.pictures: dict[str, bytes] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Locate the figures, import them afresh, and add the generic stylesheet."""
        self.used, self.slots, self.files, self.helpers, self.pictures = {}, [], set(), {}, {}
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path).parent
        self.folder = (self.root / self.config.figures_dir).resolve()
        self.package = package_of(self.folder)
        # Import the folder as its package afresh, so `mkdocs serve` sees edits.
        for name in [m for m in sys.modules if m.partition(".")[0] == self.package]:
            del sys.modules[name]
        if str(self.folder.parent) not in sys.path:
            sys.path.insert(0, str(self.folder.parent))
        config.extra_css.append(f"{SITE_FOLDER}/figures.css")
        return config

    @property
    def known(self) -> list[str]:
        """Names of all figure modules (files not starting with an underscore)."""
        return sorted(p.stem for p in self.folder.glob("*.py") if not p.stem.startswith("_"))

    def pyodide(self) -> PyodideRuntime:
        """The runtime, opened on first use so a site without figures fetches nothing."""
        if self.runtime is None:
            cache = cache_dir(self.config.cache_dir)
            self.runtime = PyodideRuntime(self.config.package_sources, cache)
        return self.runtime

    # First: the markers are found before any other plugin rewrites the Markdown.
    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace every figure block with its pre-rendered markup."""
        if not self.config.enabled:
            return markdown
        src = source_path(page, config)
        try:
            parts = scan(markdown, first_line=front_matter_lines(page, markdown) + 1)
        except MarkerError as error:
            raise PluginError(f"{src}:{error.line}: {error}") from error
        return "\n".join(
            part if isinstance(part, str) else self.figure_html(Marker(part, src)) for part in parts
        )

    def load(self, marker: Marker) -> ModuleType:
        """Import a figure module, refusing names that are not figures."""
        if marker.name not in self.known:
            raise PluginError(
                f"{marker.where}: unknown figure {marker.name!r}; "
                f"known figures in {self.folder}: {', '.join(self.known) or 'none'}"
            )
        try:
            return importlib.import_module(f"{self.package}.{marker.name}")
        except Exception as error:
            raise self.figure_error(marker, "failed to import", error) from error

    def figure_error(self, marker: Marker, what: str, error: Exception) -> PluginError:
        """A build error naming the Markdown place, the figure's own line and the traceback."""
        where = figure_frames(error, self.folder, self.root)
        return PluginError(
            f"{marker.where}: figure {marker.name!r} {what}"
            f"{f' at {where}' if where else ''}: {type(error).__name__}: {error}\n"
            f"{last_lines(error)}"
        )

    def figure_html(self, marker: Marker) -> str:
        """Pre-render one placement and write its markup (see ``markup``)."""
        placement = marker.placement
        module = self.load(marker)
        try:
            frame = api.render(module)
            controls = controls_html(module.CONTROLS, placement.ident)
        except Exception as error:
            raise self.figure_error(marker, "raised while pre-rendering", error) from error
        self.check_classes(marker, frame.html)
        imports = self.imports(marker, module)
        packages = self.packages(marker, imports)
        self.used[placement.name] = packages
        files = self.files_for(marker, module, imports)
        # A figure may name its controls (shown above them); otherwise they are named after the
        # figure (its docstring's first line), so each is a landmark of its own.
        legend = getattr(module, "CONTROLS_LABEL", "")
        title = (module.__doc__ or placement.name).strip().splitlines()[0].rstrip(".:")
        name = legend or f"Controls of the figure: {title}"
        name += f" ({placement.occurrence})" if placement.occurrence > 1 else ""
        markup = FigureMarkup(
            name=placement.name,
            placement=placement.ident,
            controls_name=name,
            legend=legend,
            controls=controls,
            picture=static_html(frame, self.place),
            alt=frame.alt,
            packages=packages,
            files=files,
            module_path=f"{self.package}/{placement.name}.py",
            module_href=f"{ASSETS_MARK}/{MODULES}{self.package}/{placement.name}.py",
            source_href=f"{SOURCE}{placement.name}.html",
            version=sha256_of(Path(module.__file__ or ""))[:16],
            caption=placement.caption,
        )
        self.slots.append(figure_inner(markup))
        return figure_outer(markup, len(self.slots) - 1)

    def check_classes(self, marker: Marker, frame: str) -> None:
        """Refuse a class name the site does not list, which the page would drop silently.

        Only the default state's frame is here: another state's meets the sanitiser alone.
        """
        unknown = self.config.unlisted(frame)
        if unknown:
            names, them = ("classes", "them") if len(unknown) > 1 else ("class", "it")
            raise PluginError(
                f"{marker.where}: figure {marker.name!r} gives its frame the {names} "
                f"{', '.join(map(repr, unknown))}, which the page would drop: list {them} in the "
                "figures plugin's frame_classes (mkdocs.yml)"
            )

    def place(self, picture: bytes) -> str:
        """Keep a pre-rendered picture for the site; its address, named by its content."""
        name = f"{hashlib.sha256(picture).hexdigest()[:16]}.svg"
        self.pictures[name] = picture
        return f"{ASSETS_MARK}/{PICTURES}/{name}"

    def on_page_content(
        self, content: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Put each figure's pre-rendered markup into its slot."""
        assets = get_relative_url(SITE_FOLDER, page.url)
        return SLOT.sub(
            lambda match: self.slots[int(match[1])].replace(ASSETS_MARK, assets), content
        )

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """On pages with figures, load the browser layer from <head>, deferred.

        Deferred, it blocks neither the parser nor the first paint; it waits for the page anyway.
        """
        if f'class="{CLASSES["figure"]}"' not in output:
            return output
        script = get_relative_url(f"{SITE_FOLDER}/{LAYER}", page.url)
        sizes = html.escape(json.dumps(self.download_sizes(set(WIDGET.findall(output)))))
        classes, placed = self.config.frame_classes, self.config.placed()
        contract = html.escape(as_json(PYODIDE.version, self.package, classes, placed))
        tag = (
            f'<script src="{script}" data-sizes="{sizes}" data-contract="{contract}" '
            f'data-timeout="{self.config.runtime_timeout}" '
            f'data-busy-timeout="{self.config.busy_timeout}" '
            f'data-render-timeout="{self.config.render_timeout}" '
            f'data-run-timeout="{self.config.run_timeout}" defer></script>'
        )
        return output.replace("</head>", f"{tag}\n{sandbox_template()}\n</head>", 1)

    def download_sizes(self, names: set[str]) -> dict[str, int]:
        """Bytes of each runtime file the page's figures fetch, so the page can show progress.

        The loader scripts arrive by ``import()``, which no one can count; the rest
        (the ``.wasm``, the standard library, the lock, the packages) arrive by ``fetch``.
        """
        runtime = self.pyodide()
        fetched = [name for name in PYODIDE_CORE_FILES if not name.endswith((".js", ".mjs"))]
        core = [runtime.core / name for name in fetched]
        packages = {package for name in names for package in self.used.get(name, [])}
        files = core + [runtime.package_file(package) for package in sorted(packages)]
        return {path.name: path.stat().st_size for path in files}

    def imports(self, marker: Marker, module: ModuleType) -> Imports:
        """The figure's helpers (transitively) and outside imports."""
        try:
            return walk(Path(module.__file__ or ""), self.folder)
        except (OSError, SyntaxError) as error:
            raise PluginError(f"{marker.where}: figure {marker.name!r}: {error}") from error

    def files_for(self, marker: Marker, module: ModuleType, imports: Imports) -> list[str]:
        """What the browser fetches besides the figure's module, relative to its folder.

        Its shared helper modules, and the data files of its ``DATA_FILES``, all present.
        """
        data = [f"data/{name}" for name in getattr(module, "DATA_FILES", ())]
        missing = [path for path in data if not (self.folder / path).is_file()]
        if missing:
            raise PluginError(
                f"{marker.where}: figure {marker.name!r} needs {', '.join(missing)} "
                f"in {self.folder}: run `nox -s fit`"
            )
        helpers = [f"{helper}.py" for helper in imports.helpers]
        self.helpers[marker.name] = helpers
        files = helpers + data
        self.files.update(files)
        return files

    def packages(self, marker: Marker, imports: Imports) -> list[str]:
        """Pyodide packages the figure and its helpers import, with their dependencies."""
        if not imports.outside - sys.stdlib_module_names:
            return []
        try:
            return self.pyodide().packages_for(imports.outside, local={self.package})
        except AssetError as error:
            raise PluginError(f"{marker.where}: figure {marker.name!r}: {error}") from error

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the generic layer, the used figures and the runtime files into the site."""
        if not self.config.enabled:
            return
        site = Path(config.site_dir)
        target = site / SITE_FOLDER
        # The worker arrives bundled (below), the modules only it imports in it.
        in_worker = shutil.ignore_patterns("downloads.js", "restore.js")
        shutil.copytree(ASSETS, target, dirs_exist_ok=True, ignore=in_worker)
        try:
            cache = cache_dir(self.config.cache_dir)
            for bundled in [*layer_bundle(cache), *worker_bundle(cache)]:
                shutil.copy2(bundled, target / bundled.name)
        except AssetError as error:
            raise PluginError(f"Browser layer: {error}") from error
        (target / PICTURES).mkdir(exist_ok=True)
        for name, picture in self.pictures.items():
            (target / PICTURES / name).write_bytes(picture)
        if not self.used:
            return
        python = target / MODULES
        for shared in {*SHARED, *KIT}:
            (python / shared).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SOURCES / shared, python / shared)
        modules = python / self.package
        for path in ["__init__.py", *(f"{name}.py" for name in self.used), *self.files]:
            (modules / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.folder / path, modules / path)
        try:
            editor = editor_bundle(cache_dir(self.config.cache_dir))
        except AssetError as error:
            raise PluginError(f"Code editor: {error}") from error
        shutil.copy2(editor, target / EDITOR)
        # What the reader reads is what the worker runs: the files just copied.
        (target / SOURCE).mkdir(exist_ok=True)
        for name, helpers in self.helpers.items():
            shown = [f"{self.package}/{path}" for path in [f"{name}.py", *helpers]]
            texts = [(path, (python / path).read_text(encoding="utf-8")) for path in shown]
            (target / SOURCE / f"{name}.html").write_text(fragment(texts), encoding="utf-8")
        try:
            needed = {package for packages in self.used.values() for package in packages}
            self.pyodide().copy_to(site / "assets" / "pyodide", needed)
        except AssetError as error:
            raise PluginError(f"Pyodide runtime: {error}") from error
