r"""The essay's math, as built: every formula of the manuscript is MathML, and nothing else.

Temml (the ``katex`` plugin) writes each ``\(...\)`` and ``\[...\]`` as one ``<math>`` element,
the TeX riding along as its annotation; no HTML drawing of it is left (KaTeX wrote one of 40
elements a formula). These tests read the built page, without a browser.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from essay_site.dev.build import mkdocs_build
from essay_site.katex.plugin import FONT, SITE_FOLDER, STYLESHEET
from tests.conftest import ROOT, make_project

MANUSCRIPT = ROOT / "tests" / "manuscript" / "generative-models.txt"
#: Display math is ``\[...\]`` on a line of its own, inline math ``$...$``.
FORMULA = re.compile(r"\\\[(?P<display>.*?)\\\]|\$(?P<inline>[^$]+)\$", re.DOTALL)


@dataclass
class Node:
    """An element of the page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> list[Node]:
        """Every descendant with ``tag``, in document order."""
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.find(tag))
        return found

    def shape(self) -> str:
        """The presentation markup in short: ``msup(mn:2 mn:784)``; the annotation left out."""
        if self.tag in {"mi", "mo", "mn", "mtext"}:
            return f"{self.tag}:{self.text}"
        parts = [child.shape() for child in self.children if child.tag != "annotation"]
        return f"{self.tag}({' '.join(parts)})"


class _Tree(HTMLParser):
    """The page as Nodes: enough of HTML for Material's and Temml's well-formed markup."""

    VOID = frozenset({"meta", "link", "img", "br", "hr", "input", "source", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in self.VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].text += data


def manuscript_formulas() -> list[tuple[str, bool]]:
    """Each formula of the manuscript, in order: (TeX, whether it is displayed)."""
    text = MANUSCRIPT.read_text(encoding="utf-8")
    return [(m["display"] or m["inline"], m["display"] is not None) for m in FORMULA.finditer(text)]


def same_tex(tex: str) -> str:
    r"""TeX without spaces or escaped braces (the manuscript's text writes ``\{`` as ``{``)."""
    return re.sub(r"\s+|\\(?=[{}])", "", tex)


@pytest.fixture(scope="module")
def page(essay_site: Path) -> str:
    return (essay_site / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def formulas(page: str) -> list[Node]:
    """Every ``<math>`` of the essay's article, in document order."""
    parser = _Tree()
    parser.feed(page)
    (article,) = parser.root.find("article")
    return article.find("math")


def formula(formulas: list[Node], tex: str) -> Node:
    """The one formula whose TeX source (its annotation) is ``tex``."""
    found = [m for m in formulas if same_tex(m.find("annotation")[0].text) == same_tex(tex)]
    assert len(found) >= 1, tex
    return found[0]


def test_every_formula_of_the_manuscript_is_mathml(formulas: list[Node], page: str) -> None:
    expected = manuscript_formulas()
    assert len(expected) == 99
    assert len(formulas) == len(expected)
    # In the manuscript's order, each the same TeX, displayed where the manuscript displays it.
    sources = [same_tex(m.find("annotation")[0].text) for m in formulas]
    assert sources == [same_tex(tex) for tex, _ in expected]
    assert [m.attrs.get("display") == "block" for m in formulas] == [d for _, d in expected]
    displays = re.findall(r'<div class="arithmatex" tabindex="0"><math display="block"', page)
    assert len(displays) == sum(d for _, d in expected) == 14
    for math in formulas:
        (annotation,) = math.find("annotation")
        assert annotation.attrs["encoding"] == "application/x-tex"
        assert math.find("merror") == []


def test_no_tex_and_no_katex_drawing_is_left(page: str) -> None:
    # Nor KaTeX's HTML (.katex-html), its stylesheet or its fonts: "katex" is nowhere.
    assert "katex" not in page
    article = page[page.index("<article") : page.index("</article>")]
    # Outside the annotations, no TeX delimiter is left in the article.
    drawn = re.sub(r"<annotation\b.*?</annotation>", "", article, flags=re.DOTALL)
    assert "\\(" not in drawn
    assert "\\[" not in drawn


def test_fractions_products_integrals_and_scripts(formulas: list[Node]) -> None:
    bayes = formula(formulas, r"p(Y \mid X) = \frac{p(X \mid Y) \cdot p(Y)}{p(X)}")
    (fraction,) = bayes.find("mfrac")
    assert len(fraction.children) == 2  # numerator, denominator
    assert "mo:⋅" in fraction.children[0].shape()
    assert fraction.children[1].shape() == "mrow(mi:p mrow(mo:( mi:X mo:)))"

    product = formula(formulas, r"p(x_1, \dots, x_n) = \prod_{i=1}^n p(x_i)")
    assert "munderover(mo:∏ mrow(mi:i mo:= mn:1) mi:n)" in product.shape()
    assert "msub(mi:x mn:1)" in product.shape()
    assert "msub(mi:x mi:n)" in product.shape()

    norm = formula(formulas, r"\int p_\theta(x) \, dx = 1")
    assert norm.shape().startswith("math(semantics(mrow(mo:∫ msub(mi:p mi:θ)")
    assert norm.find("mspace")[0].attrs["width"] == "0.1667em"  # \, is a thin space, not text

    inverse = formula(formulas, r"x = f_\theta(z), \quad z = f_\theta^{-1}(x)")
    assert "msubsup(mi:f mi:θ mrow(mo:− mn:1))" in inverse.shape()

    powers = formula(formulas, r"2^{784} \approx 10^{236}")
    assert powers.attrs.get("display") is None
    assert powers.shape() == "math(semantics(mrow(msup(mn:2 mn:784) mo:≈ msup(mn:10 mn:236))))"

    marginal = formula(formulas, r"p_\theta(x) = \int p_\theta(x \mid z) \, p(z) \, dz")
    assert marginal.shape().count("mo:∫") == 1


def test_an_underbrace_and_stretched_fences(formulas: list[Node]) -> None:
    total = next(m for m in formulas if "underbrace" in m.find("annotation")[0].text)
    (brace,) = [mo for mo in total.find("mo") if mo.text == "⏟"]
    assert brace.attrs["stretchy"] == "true"
    assert "munder(munder(mrow(mo:( mo:∫" in total.shape()
    assert "mo:⏟) mrow(mo:= mn:1))" in total.shape()  # the brace, then what it is under
    jacobian = formula(
        formulas,
        r"p_\theta(x) = p_z(f_\theta^{-1}(x)) \cdot \left|\det J_{f_\theta^{-1}}(x)\right|",
    )
    bars = [mo for mo in jacobian.find("mo") if mo.text == "|"]
    assert [bar.attrs["stretchy"] for bar in bars] == ["true", "true"]
    assert "msub(mi:J msubsup(mi:f mi:θ mrow(mo:− mn:1)))" in jacobian.shape()


def test_a_conditional_bar_reads_as_before(formulas: list[Node]) -> None:
    # \mid is U+2223 with a relation's spaces, as KaTeX wrote it for screen readers.
    for math in formulas:
        tex = math.find("annotation")[0].text
        bars = [mo for mo in math.find("mo") if mo.text == "∣"]
        assert len(bars) == tex.count("\\mid"), tex
        for bar in bars:
            assert (bar.attrs["lspace"], bar.attrs["rspace"]) == ("0.2778em", "0.2778em")


def test_the_math_font_is_served_with_its_stylesheet(essay_site: Path, page: str) -> None:
    folder = essay_site / SITE_FOLDER
    assert f'href="{SITE_FOLDER}/{STYLESHEET}"' in page
    css = (folder / STYLESHEET).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*\{([^}]*)\}", css)
    assert len(faces) == 1
    assert "font-display: swap" in faces[0]
    assert re.findall(r"url\(([^)]*)\)", faces[0]) == [f'"{FONT}"']
    assert 'font-family: "STIX Two Math", math;' in css
    assert {p.name for p in folder.iterdir()} == {
        STYLESHEET,
        FONT,
        "STIXTwoMath-OFL.txt",
        "Temml-LICENSE.txt",
    }
    # The font draws math: it has an OpenType MATH table (read from the WOFF2 directory).
    assert "MATH" in woff2_tables((folder / FONT).read_bytes())
    assert not (essay_site / "assets" / "katex").exists()


#: WOFF2's known table tags, by the index its table directory gives (WOFF2 spec, 5.1).
KNOWN_TAGS = (
    *("cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post", "cvt ", "fpgm", "glyf"),
    *("loca", "prep", "CFF ", "VORG", "EBDT", "EBLC", "gasp", "hdmx", "kern", "LTSH", "PCLT"),
    *("VDMX", "vhea", "vmtx", "BASE", "GDEF", "GPOS", "GSUB", "EBSC", "JSTF", "MATH", "CBDT"),
    *("CBLC", "COLR", "CPAL", "SVG ", "sbix", "acnt", "avar", "bdat", "bloc", "bsln", "cvar"),
    *("fdsc", "feat", "fmtx", "fvar", "gvar", "hsty", "just", "lcar", "mort", "morx", "opbd"),
    *("prop", "trak", "Zapf", "Silf", "Glat", "Gloc", "Feat", "Sill"),
)


def woff2_tables(data: bytes) -> set[str]:
    """The table tags of a WOFF2 font, read from its table directory (no decompression)."""
    assert data[:4] == b"wOF2"
    (count,) = struct.unpack(">H", data[12:14])
    tags, offset = set(), 48

    def base128() -> int:
        nonlocal offset
        value = 0
        for _ in range(5):
            byte = data[offset]
            offset += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                return value
        raise AssertionError("bad UIntBase128")

    for _ in range(count):
        flags = data[offset]
        offset += 1
        if flags & 0x3F == 0x3F:
            tag = data[offset : offset + 4].decode("latin-1")
            offset += 4
        else:
            tag = KNOWN_TAGS[flags & 0x3F]
        base128()  # origLength
        transform = flags >> 6
        if (tag in {"glyf", "loca"} and transform == 0) or (tag == "hmtx" and transform == 1):
            base128()  # transformLength
        tags.add(tag.strip())
    return tags


def test_tex_that_cannot_be_typeset_fails_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, "Text $\\frac{1$.\n", plugins=("katex",))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.arithmatex:\n      generic: true\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "index.md: cannot typeset '\\\\frac{1'" in result.stderr
