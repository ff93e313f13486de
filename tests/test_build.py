"""Real ``mkdocs build --strict`` runs: the essay is faithful (bad input: test_build_errors.py)."""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from essay_site.dev.build import mkdocs_build
from essay_site.figures import contract
from essay_site.offline_reading.plugin import OfflinePlugin
from essay_site.pins import PYODIDE, PYODIDE_CORE_FILES
from essay_site.self_hosted.plugin import fetched_from_elsewhere
from tests.conftest import FIGURES, NUMPY_WHEEL, ROOT, make_project

MANUSCRIPT = ROOT / "tests" / "manuscript" / "generative-models.txt"
FOOTNOTE_MARK = re.compile(r"(?<=[a-z][.”?)])[1-9](?=\s|$)")
#: The diagram's labels: the page sets them out per family, not in the flattened order.
DIAGRAM = "Autoregressive Latent Variable Normalizing Flow"


class _Text(HTMLParser):
    """Visible text of a page: footnote numbers and scripts left out.

    Of each typeset formula only its TeX source (its MathML annotation) is kept, so math
    compares with the manuscript's ``$...$``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.in_math = False
        self.in_annotation = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or tag in {"script", "style", "sup"}:
            self.skip += 1
        self.in_math |= tag == "math"
        self.in_annotation |= tag == "annotation"

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
        self.in_math &= tag != "math"
        self.in_annotation &= tag != "annotation"

    def handle_data(self, data: str) -> None:
        if not self.skip and (self.in_annotation or not self.in_math):
            self.parts.append(data)


def words(text: str) -> list[str]:
    """Word tokens: what must survive from manuscript to page, markup and math delimiters aside."""
    return re.findall(r"\w+", text)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def manuscript_paragraphs() -> list[str]:
    text = MANUSCRIPT.read_text(encoding="utf-8")
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def test_every_paragraph_of_the_manuscript_is_on_the_page(essay_html: str) -> None:
    main = essay_html[essay_html.index("<article") : essay_html.index("</article>")]
    page = " ".join(words(page_text(main)))
    missing = []
    for paragraph in manuscript_paragraphs():
        if paragraph.startswith(DIAGRAM):
            continue
        for line in paragraph.splitlines():
            # Footnotes are numbered list items in the manuscript: drop the number.
            line = re.sub(r"^\s*(\d\.|•)\s", "", FOOTNOTE_MARK.sub("", line))
            if " ".join(words(line)) not in page:
                missing.append(line[:80])
    assert missing == []


def test_diagram_labels_are_all_there(essay_html: str) -> None:
    labels = next(p for p in manuscript_paragraphs() if p.startswith(DIAGRAM))
    budget = essay_html[essay_html.index('<div class="gm-budget"') :]
    budget = budget[: budget.index("<h2")]
    assert Counter(words(labels)) == Counter(words(page_text(budget)))


def test_nine_footnotes_with_back_links(essay_html: str) -> None:
    references = re.findall(r'<sup id="fnref:(\d)">', essay_html)
    notes = re.findall(r'<li id="fn:(\d)">', essay_html)
    backrefs = re.findall(r'class="footnote-backref" href="#fnref:(\d)"', essay_html)
    assert references == notes == backrefs == [str(n) for n in range(1, 10)]


def test_table_headings_and_math(essay_html: str) -> None:
    start = essay_html.rindex("<table>", 0, essay_html.index("<th>Architecture</th>"))
    table = essay_html[start : essay_html.index("</table>", start)]
    assert re.findall(r"<th>(.*?)</th>", table) == [
        "Architecture",
        "Bets you’re making",
        "How it will fail",
    ]
    assert table.count("<tr>") == 6
    displays = MANUSCRIPT.read_text(encoding="utf-8").count("\n\\[")
    # Typeset at build time: the math is finished MathML before any script runs (test_math.py
    # checks each formula); a display may scroll sideways on a phone, so each is in the
    # keyboard's reach.
    display = '<div class="arithmatex" tabindex="0"><math display="block"'
    assert essay_html.count(display) == displays
    assert displays == 14
    assert essay_html.count('<span class="arithmatex"><math>') == 85
    assert "\\(" not in essay_html
    assert essay_html.count('class="admonition note"') == 2


def test_nothing_is_loaded_from_another_host(essay_site: Path) -> None:
    # Links to other sites are fine; anything the browser would fetch by itself is not.
    offenders = [
        f"{path.relative_to(essay_site)}: {address}"
        for path in essay_site.rglob("*")
        if path.suffix in {".html", ".css", ".js"}
        for address in fetched_from_elsewhere(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_only_the_packages_figures_import_are_copied(essay_site: Path) -> None:
    # The figures import numpy and nothing else from Pyodide's packages (no matplotlib).
    runtime = sorted(p.name for p in (essay_site / "assets" / "pyodide").iterdir())
    assert runtime == sorted([*PYODIDE_CORE_FILES, NUMPY_WHEEL])


def test_figure_is_prerendered_with_its_contract(essay_html: str) -> None:
    figure = essay_html[essay_html.index('<figure class="live-figure"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'data-widget="pixel_explosion"' in figure
    assert 'data-state="static"' in figure
    assert (
        'aria-label="Controls of the figure: The pixel explosion: '
        'how many images n binary pixels can make"'
    ) in figure
    assert '<input type="range" id="pixel_explosion-n" name="n"' in figure
    assert "1,024" in figure
    assert "Each pixel doubles the number of possible images." in figure.split("<figcaption>")[1]


@pytest.mark.parametrize(
    ("page", "source"),
    [
        ("index.html", "index.md"),
        ("notebooks/models-up-close/index.html", "notebooks/models-up-close.ipynb"),
    ],
)
def test_every_page_links_to_its_own_source(essay_site: Path, page: str, source: str) -> None:
    config = yaml_scalars(ROOT / "mkdocs.yml")
    html = (essay_site / page).read_text(encoding="utf-8")
    repository = config["repo_url"].rstrip("/")
    edit = f'href="{repository}/{config["edit_uri"]}{source}" title="Edit this page"'
    raw = config["edit_uri"].replace("edit", "raw")
    view = f'href="{repository}/{raw}{source}" title="View source'
    assert edit in html
    assert view in html
    assert (ROOT / "docs" / source).is_file()
    # Canonical links and the sitemap use the published address.
    canonical = config["site_url"] + page.removesuffix("index.html")
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f"<loc>{canonical}</loc>" in (essay_site / "sitemap.xml").read_text(encoding="utf-8")
    # The repository link is plain: Material's script would ask api.github.com for its stars.
    assert 'data-md-component="source"' not in html


def yaml_scalars(path: Path) -> dict[str, str]:
    """Top-level ``key: value`` lines of a YAML file (mkdocs.yml has tags PyYAML refuses)."""
    pairs = re.findall(r"^(\w+): (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return dict(pairs)


def test_a_fresh_clone_builds_strictly(tmp_path: Path) -> None:
    # What a contributor or a CI service gets: only what is committed, nothing from around it.
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    result = mkdocs_build(clone, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (clone / "tests" / "manuscript" / "generative-models.txt").is_file()


def test_every_page_allows_only_its_own_inline_scripts(essay_site: Path) -> None:
    for page in ("index.html", "notebooks/models-up-close/index.html"):
        html = (essay_site / page).read_text(encoding="utf-8")
        policy = re.search(
            r'<head>\n<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html
        )
        assert policy, page
        scripts = next(d for d in policy[1].split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in scripts
        inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
        assert len(inline) >= 3
        assert scripts.count("'sha256-") == len(inline)


def test_notebook_is_executed_at_build_time(essay_site: Path) -> None:
    page = (essay_site / "notebooks" / "models-up-close" / "index.html").read_text()
    # Four matplotlib pictures, computed during the build (the notebook stores no output),
    # each a file of the site (notebook_files).
    assert len(re.findall(r'src="\.\./\.\./assets/notebooks/\w+\.png"', page)) == 4
    assert "largest deviation from 1:" in page
    notebook = (ROOT / "docs" / "notebooks" / "models-up-close.ipynb").read_text()
    assert '"outputs": []' in notebook and "image/png" not in notebook


def test_each_plugin_can_be_switched_off(tmp_path: Path) -> None:
    plugins = ("katex", "self_hosted", "offline_reading")
    project = make_project(
        tmp_path, "Text $x$.\n\n/// figure | pixel_explosion\n///\n", plugins=plugins
    )
    config = project / "mkdocs.yml"
    text = config.read_text().replace("  - figures:", "  - figures:\n      enabled: false", 1)
    for name in plugins:
        text = text.replace(f"  - {name}", f"  - {name}:\n      enabled: false")
    config.write_text(text + "  - pymdownx.arithmatex:\n      generic: true\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "/// figure | pixel_explosion" in page  # figures: the marker stays text
    assert "\\(x\\)" in page  # katex: the TeX is left for another renderer
    assert "Content-Security-Policy" not in page  # self_hosted
    assert "offline.js" not in page  # offline_reading
    assert not (tmp_path / "site" / "assets" / "figures").exists()


def test_no_script_in_head_holds_up_the_first_paint(essay_html: str) -> None:
    # The browser layer and offline reading load deferred: a script in <head> without defer
    # stops the parser until it arrives and runs (Lighthouse counts it against first paint).
    head = essay_html.split("</head>", 1)[0]
    tags = re.findall(r"<script src=[^>]*>", head)
    assert len(tags) == 2 and all(re.search(r"\sdefer[\s>]", tag) for tag in tags), tags


def test_the_contract_is_written_once(essay_html: str) -> None:
    # The build hands its names to the browser layer, which spells none of them itself.
    script = re.search(r'<script src="[^"]*figures\.js"[^>]*data-contract="([^"]+)"', essay_html)
    assert script
    written = json.loads(html.unescape(script[1]))
    # Besides the framework's own names, the site's frame classes (mkdocs.yml) for the sanitiser.
    frame = written.pop("frame")
    expected = json.loads(contract.as_json(PYODIDE.version, "widgets"))
    assert frame["classes"][: len(contract.FRAME_CLASSES)] == expected.pop("frame")["classes"]
    assert "gm-px__ruler" in frame["classes"]
    assert written == expected
    browser = ROOT / "src" / "essay_site" / "figures" / "browser"
    layer = "".join(path.read_text() for path in sorted(browser.glob("*.js")))
    for name in [*contract.CLASSES.values(), contract.FRAME_EVENT, contract.MODULES]:
        assert f'"{name}' not in layer and f"`{name}" not in layer, name
    for role in ("figure", "controls", "output", "alt", "status"):
        assert f'class="{contract.CLASSES[role]}"' in essay_html
    assert f'<progress max="{contract.STEPS}"' in essay_html


@pytest.mark.parametrize(
    ("figure", "helpers"), [("pixel_explosion", []), ("density_surface", ["_colours.py"])]
)
def test_the_python_shown_is_the_python_that_runs(
    essay_site: Path, essay_html: str, figure: str, helpers: list[str]
) -> None:
    root = essay_html[essay_html.index(f'data-widget="{figure}"') :]
    root = root[: root.index("</figure>")]
    assert f'<details class="live-figure__code" data-source="source/{figure}.html" ' in root
    assert "<summary>Python" in root
    shown = (essay_site / "assets" / "figures" / "source" / f"{figure}.html").read_text()
    served = essay_site / "assets" / "figures" / "py" / "widgets"
    files = re.findall(r'<span class="filename">widgets/([^<]+)</span>', shown)
    assert files == [f"{figure}.py", *helpers]
    codes = re.findall(r"<code>(.*?)</code>", shown, re.DOTALL)
    for name, code in zip(files, codes, strict=True):
        text = html.unescape(re.sub(r"<[^>]+>", "", code))
        assert text == (served / name).read_text() == (ROOT / "widgets" / name).read_text()


def test_each_figures_controls_have_a_name_of_their_own(essay_html: str) -> None:
    # Each form is a landmark; screen readers list them by name, so no two may share one.
    names = re.findall(
        r'<div class="live-figure__controls" role="form" aria-label="([^"]+)"', essay_html
    )
    assert len(names) == FIGURES
    assert len(set(names)) == FIGURES


def test_the_browser_layer_is_one_minified_script_with_its_map(essay_site: Path) -> None:
    folder = essay_site / "assets" / "figures"
    script = (folder / "figures.js").read_text()
    browser = ROOT / "src" / "essay_site" / "figures" / "browser"
    written = sum(len(path.read_text()) for path in browser.glob("*.js"))
    # Minified, one script: esbuild writes each "\n" in a string as a real line break (inside
    # a template literal), a dozen here; the code itself is on one line.
    assert script.count("\n") < 20 and len(script) < written / 2
    assert script.rstrip().endswith("//# sourceMappingURL=figures.js.map")
    sources = json.loads((folder / "figures.js.map").read_text())["sources"]
    # Each named from the figures package: the layer, and the snapshot rule it shares.
    read = [f"browser/{p.name}" for p in browser.glob("*.js")]
    read += ["assets/digest.js", "assets/restore.js"]
    assert sorted(sources) == sorted(read)
    # Readers never need the map offline.
    assert "figures.js.map" not in (essay_site / "sw.js").read_text()


def test_mkdocs_serve_never_registers_a_worker() -> None:
    # What `mkdocs serve` gets: the retiring worker and pages that do not register one.
    plugin = OfflinePlugin()
    plugin.load_config({})
    plugin.on_startup(command="serve", dirty=False)
    assert not plugin.active
    plugin.on_startup(command="build", dirty=False)
    assert plugin.active
