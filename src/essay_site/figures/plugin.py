"""The ``figures`` plugin: find figure markers, pre-render them, ship them to the browser.

A figure is placed in Markdown with a block naming its module in ``widgets/``::

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
import re
import shutil
import sys
import traceback
from dataclasses import dataclass, field
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
from essay_site.figures.bundle import LAYER, editor_bundle, layer_bundle
from essay_site.figures.config import FiguresConfig
from essay_site.figures.contract import (
    CLASSES,
    EDITOR,
    MODULES,
    SHARED,
    SITE_FOLDER,
    SOURCE,
    STEPS,
    as_json,
)
from essay_site.figures.imports import PACKAGE, Imports, walk
from essay_site.figures.source import fragment
from essay_site.figures.static import static_html
from essay_site.pins import PYODIDE_CORE_FILES
from essay_site.places import source_path

ASSETS = Path(__file__).parent / "assets"
#: Where the framework's own Python files are (``essay_site/...``), to ship its figure API.
SOURCES = Path(__file__).parents[2]
OPEN = re.compile(r"^///\s*figure\s*\|\s*(?P<name>\S+)\s*$")
CLOSE = re.compile(r"^///\s*$")
# A fenced code block opens with three or more backticks or tildes; markers inside it are text.
FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")
WIDGET = re.compile(r'data-widget="([^"]+)"')
# Stands for the figures' site folder, relative to the page, until the page is known.
ASSETS_MARK = "@@gm-assets@@"
SLOT = re.compile(r'<div data-gm-slot="(\d+)">\s*</div>')
#: The pre-rendered pictures' folder, inside the figures' site folder; named by content.
PICTURES = "pictures"


def closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes the code block ``fence`` opened (same character, as long or more)."""
    mark = line.strip()
    return len(mark) >= len(fence) and set(mark) == {fence[0]}


def front_matter_lines(page: Page, markdown: str) -> int:
    """How many lines of the source file precede ``markdown`` (its YAML front matter).

    MkDocs hands plugins the Markdown without the front matter; error messages must
    still name the line a reader sees in their editor.
    """
    raw = page.file.content_string
    return raw[: len(raw) - len(markdown)].count("\n") if raw.endswith(markdown) else 0


def figure_frames(error: BaseException, widgets: Path, root: Path) -> str:
    """``widgets/name.py:line`` of the innermost traceback frame in a figure or its helpers.

    The figure API lives outside the folder: its checks report the figure's mistakes.
    A syntax error has no frame of its own: its file and line are on the error.
    """
    places = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(error.__traceback__)]
    if isinstance(error, SyntaxError) and error.filename:
        places.append((error.filename, error.lineno))
    for filename, line in reversed(places):
        path = Path(filename).resolve()
        if path.is_relative_to(widgets.resolve()):
            return f"{path.relative_to(root.resolve())}:{line}"
    return ""


def last_lines(error: BaseException, count: int = 6) -> str:
    """The last lines of the error's traceback, indented, to show under a build error."""
    lines = "".join(traceback.format_exception(error)).rstrip().splitlines()
    return "\n".join(f"    {line}" for line in lines[-count:])


@dataclass
class Placement:
    """One figure marker found in a page."""

    name: str
    src: str
    line: int
    caption: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """``file:line`` of the marker, for error messages."""
        return f"{self.src}:{self.line}"


class FiguresPlugin(BasePlugin[FiguresConfig]):
    """Turns ``/// figure | name`` blocks into pre-rendered, live figures."""

    def __init__(self) -> None:
        self.root: Path = Path()
        self.widgets: Path = Path()
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
        self.widgets = self.root / self.config.widgets_dir
        if not (self.widgets / "__init__.py").is_file():
            raise PluginError(f"{self.widgets}: not a figures folder (no __init__.py)")
        # Import the folder as the package ``widgets`` afresh, so `mkdocs serve` sees edits.
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]
        if str(self.widgets.parent) not in sys.path:
            sys.path.insert(0, str(self.widgets.parent))
        config.extra_css.append(f"{SITE_FOLDER}/figures.css")
        return config

    @property
    def known(self) -> list[str]:
        """Names of all figure modules (files not starting with an underscore)."""
        return sorted(p.stem for p in self.widgets.glob("*.py") if not p.stem.startswith("_"))

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
        out: list[str] = []
        placement: Placement | None = None
        counts: dict[str, int] = {}
        fence = ""
        src = source_path(page, config)
        first = front_matter_lines(page, markdown) + 1
        for number, line in enumerate(markdown.splitlines(), start=first):
            if placement is None:
                fenced = FENCE.match(line)
                if fence:
                    fence = "" if closes(line, fence) else fence
                    out.append(line)
                elif fenced:
                    fence = fenced["fence"]
                    out.append(line)
                elif opening := OPEN.match(line):
                    placement = Placement(opening["name"], src, number)
                else:
                    out.append(line)
            elif CLOSE.match(line):
                counts[placement.name] = counts.get(placement.name, 0) + 1
                out.append(self.figure_html(placement, counts[placement.name]))
                placement = None
            else:
                placement.caption.append(line)
        if placement is not None:
            raise PluginError(f"{placement.where}: figure block is never closed with ///")
        return "\n".join(out)

    def load(self, placement: Placement) -> ModuleType:
        """Import a figure module, refusing names that are not figures."""
        if placement.name not in self.known:
            raise PluginError(
                f"{placement.where}: unknown figure {placement.name!r}; "
                f"known figures in {self.widgets}: {', '.join(self.known) or 'none'}"
            )
        try:
            return importlib.import_module(f"{PACKAGE}.{placement.name}")
        except Exception as error:
            raise self.figure_error(placement, "failed to import", error) from error

    def figure_error(self, placement: Placement, what: str, error: Exception) -> PluginError:
        """A build error naming the Markdown place, the figure's own line and the traceback."""
        where = figure_frames(error, self.widgets, self.root)
        return PluginError(
            f"{placement.where}: figure {placement.name!r} {what}"
            f"{f' at {where}' if where else ''}: {type(error).__name__}: {error}\n"
            f"{last_lines(error)}"
        )

    def figure_html(self, placement: Placement, occurrence: int) -> str:
        """Pre-render one figure and wrap it in the markup the browser layer expects."""
        module = self.load(placement)
        try:
            frame = api.render(module)
            controls = api.controls_html(module, placement.name)
        except Exception as error:
            raise self.figure_error(placement, "raised while pre-rendering", error) from error
        imports = self.imports(placement, module)
        packages = self.packages(placement, imports)
        self.used[placement.name] = packages
        files = self.files_for(placement, module, imports)
        ident = placement.name if occurrence == 1 else f"{placement.name}-{occurrence}"
        # A figure may name its controls (shown above them); otherwise they are named after the
        # figure (its docstring's first line), so each form is a landmark of its own. A named
        # role="form", not a <form>: Chrome lays out every <form> once the page has loaded
        # (for autofill, it seems), even one far below the fold, which was most of the layout
        # work figures added to the page's start-up.
        legend = html.escape(getattr(module, "CONTROLS_LABEL", ""))
        shown = f'<p class="{CLASSES["legend"]}">{legend}</p>' if legend else ""
        title = (module.__doc__ or placement.name).strip().splitlines()[0].rstrip(".:")
        name = legend or html.escape(f"Controls of the figure: {title}")
        name += f" ({occurrence})" if occurrence > 1 else ""
        # The figure's own markup waits in a slot until on_page_content, out of Markdown's reach.
        self.slots.append(
            f'<div class="{CLASSES["controls"]}" role="form" '
            f'aria-label="{name}">{shown}{controls}</div>\n'
            f'<div class="{CLASSES["output"]}">{static_html(frame, self.place)}</div>\n'
            f'<p class="{CLASSES["alt"]}">{html.escape(frame.alt)}</p>\n'
            f'<p class="{CLASSES["announce"]}" aria-live="polite"></p>\n'
            f'<div class="{CLASSES["status"]}" role="status">'
            f'<progress max="{STEPS}" value="0"></progress>'
            "<span>Static preview: the live figure starts when Python has loaded.</span>"
            f'<button type="button" class="{CLASSES["link"]}">Copy a link to this view</button>'
            "</div>\n"
            f'<details class="{CLASSES["code"]}" data-source="{SOURCE}{placement.name}.html" '
            f'data-version="{sha256_of(Path(module.__file__ or ""))[:16]}">'
            f"<summary>Python: the code that draws this figure</summary>"
            f'<p><a href="{ASSETS_MARK}/{MODULES}{PACKAGE}/{placement.name}.py">'
            f"{PACKAGE}/{placement.name}.py</a></p></details>"
        )
        caption = "\n".join(placement.caption).strip()
        figcaption = f'<figcaption markdown="1">\n\n{caption}\n\n</figcaption>\n' if caption else ""
        return (
            f'\n<figure class="{CLASSES["figure"]}" id="figure-{ident}" '
            f'data-widget="{placement.name}" '
            f'data-state="static" data-packages="{" ".join(packages)}" '
            f'data-files="{" ".join(files)}" markdown="1">\n'
            f'<div data-gm-slot="{len(self.slots) - 1}"></div>\n'
            f"{figcaption}</figure>\n"
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
        """On pages with figures, load the browser layer from <head> (it waits for the page)."""
        if f'class="{CLASSES["figure"]}"' not in output:
            return output
        script = get_relative_url(f"{SITE_FOLDER}/{LAYER}", page.url)
        sizes = html.escape(json.dumps(self.download_sizes(set(WIDGET.findall(output)))))
        contract = html.escape(as_json())
        tag = (
            f'<script src="{script}" data-sizes="{sizes}" data-contract="{contract}" '
            f'data-timeout="{self.config.runtime_timeout}" '
            f'data-render-timeout="{self.config.render_timeout}"></script>'
        )
        return output.replace("</head>", f"{tag}\n</head>", 1)

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

    def imports(self, placement: Placement, module: ModuleType) -> Imports:
        """The figure's helpers (transitively) and outside imports."""
        try:
            return walk(Path(module.__file__ or ""), self.widgets)
        except (OSError, SyntaxError) as error:
            raise PluginError(f"{placement.where}: figure {placement.name!r}: {error}") from error

    def files_for(self, placement: Placement, module: ModuleType, imports: Imports) -> list[str]:
        """What the browser fetches besides the figure's module, relative to ``widgets/``.

        Its shared helper modules, and the data files of its ``DATA_FILES``, all present.
        """
        data = [f"data/{name}" for name in getattr(module, "DATA_FILES", ())]
        missing = [path for path in data if not (self.widgets / path).is_file()]
        if missing:
            raise PluginError(
                f"{placement.where}: figure {placement.name!r} needs {', '.join(missing)} "
                f"in {self.widgets}: run `nox -s fit`"
            )
        helpers = [f"{helper}.py" for helper in imports.helpers]
        self.helpers[placement.name] = helpers
        files = helpers + data
        self.files.update(files)
        return files

    def packages(self, placement: Placement, imports: Imports) -> list[str]:
        """Pyodide packages the figure and its helpers import, with their dependencies."""
        if not imports.outside - sys.stdlib_module_names:
            return []
        try:
            return self.pyodide().packages_for(imports.outside, local={PACKAGE})
        except AssetError as error:
            raise PluginError(f"{placement.where}: figure {placement.name!r}: {error}") from error

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the generic layer, the used figures and the runtime files into the site."""
        if not self.config.enabled:
            return
        site = Path(config.site_dir)
        target = site / SITE_FOLDER
        shutil.copytree(ASSETS, target, dirs_exist_ok=True)
        try:
            for bundled in layer_bundle(cache_dir(self.config.cache_dir)):
                shutil.copy2(bundled, target / bundled.name)
        except AssetError as error:
            raise PluginError(f"Browser layer: {error}") from error
        (target / PICTURES).mkdir(exist_ok=True)
        for name, picture in self.pictures.items():
            (target / PICTURES / name).write_bytes(picture)
        if not self.used:
            return
        python = target / MODULES
        for shared in SHARED:
            package, _, rest = shared.partition("/")
            source = self.widgets / rest if package == PACKAGE else SOURCES / shared
            (python / shared).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, python / shared)
        modules = python / PACKAGE
        for path in [*(f"{name}.py" for name in self.used), *self.files]:
            (modules / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.widgets / path, modules / path)
        try:
            editor = editor_bundle(cache_dir(self.config.cache_dir))
        except AssetError as error:
            raise PluginError(f"Code editor: {error}") from error
        shutil.copy2(editor, target / EDITOR)
        # What the reader reads is what the worker runs: the files just copied.
        (target / SOURCE).mkdir(exist_ok=True)
        for name, helpers in self.helpers.items():
            shown = [f"{PACKAGE}/{path}" for path in [f"{name}.py", *helpers]]
            texts = [(path, (python / path).read_text(encoding="utf-8")) for path in shown]
            (target / SOURCE / f"{name}.html").write_text(fragment(texts), encoding="utf-8")
        try:
            needed = {package for packages in self.used.values() for package in packages}
            self.pyodide().copy_to(site / "assets" / "pyodide", needed)
        except AssetError as error:
            raise PluginError(f"Pyodide runtime: {error}") from error
