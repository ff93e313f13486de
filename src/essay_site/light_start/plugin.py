"""The ``light_start`` plugin: Material's start-up without its whole-page restyles.

Profiled on a long page (the essay: about 2,300 elements), three things Material's bundle does
at every load restyle the whole page, each a main-thread task of its own:

- its light/dark toggle marks ``<body>`` as "switching", then reads the header's computed
  style, then sets a ``color-scheme`` ``<meta>`` (two full restyles, as the bundle starts);
- it wraps each bare ``<table>`` in a scrolling box, taking the table out of the article and
  putting the box in; a change to the article's own children restyles all of the article.

Here the toggle is the small script ``palette.js``, written inline after the toggle's form (the
form keeps Material's markup, less the attribute by which Material's bundle takes it over); it
puts the reader's palette on ``<body>`` before the first paint. And each bare table gets a
``<div>`` of its own, so the box Material puts in goes into that, not into the article.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_site.light_start.config import LightStartConfig
from essay_site.places import source_path

#: ``palette.js`` as pages carry it: its lines of comment are for readers of the source.
SCRIPT = "\n".join(
    line
    for line in (Path(__file__).parent / "palette.js").read_text(encoding="utf-8").splitlines()
    if not line.lstrip().startswith("//")
)
#: What Material's bundle takes the toggle over by; the form as Material (9.x) writes it, and as
#: it is left for ``palette.js``.
MATERIAL_MARK = 'data-md-component="palette"'
MATERIAL_FORM = f'<form class="md-header__option" {MATERIAL_MARK}>'
OWN_FORM = '<form class="md-header__option" data-md-palette>'
#: Material's inline script after the form, which puts a stored palette on ``<body>``.
MATERIAL_SCRIPT = re.compile(r'<script>var palette=__md_get\("__palette"\).*?</script>', re.DOTALL)
#: A table as Markdown writes it (no attributes) and with no table inside (an outer one is left
#: as it is), or text where a table is no markup: a script's, a text area's, a template's.
BARE_TABLE = re.compile(
    r"<table>(?:(?!<table[\s>]).)*?</table>|<(script|textarea|template)\b.*?</\1>", re.DOTALL
)
#: The class of each bare table's own ``<div>`` (a site's stylesheet may style it).
TABLE_HOST = "light-start__table"


def box_tables(html: str) -> str:
    """Each bare table in a ``<div>`` of its own; a script's, text area's, template's text kept."""
    return BARE_TABLE.sub(
        lambda part: part[0] if part[1] else f'<div class="{TABLE_HOST}">{part[0]}</div>', html
    )


def own_toggle(output: str, where: str) -> str:
    """``output`` with Material's palette toggle left to ``palette.js``, if it has the toggle."""
    if MATERIAL_MARK not in output:
        return output
    form = output.find(MATERIAL_FORM)
    found = MATERIAL_SCRIPT.search(output, form) if form >= 0 else None
    if output.count(MATERIAL_MARK) != 1 or not found:
        raise PluginError(
            f"{where}: light_start found Material's palette toggle, but not as the Material 9 "
            "it was made for (one form, then its inline script); set its option enabled: "
            "false until it is updated"
        )
    output = output[: found.start()] + f"<script>{SCRIPT}</script>" + output[found.end() :]
    return output.replace(MATERIAL_FORM, OWN_FORM)


class LightStartPlugin(BasePlugin[LightStartConfig]):
    """Gives each bare table a box of its own, and each page a palette toggle of its own."""

    # Before figures fills its slots: a figure's frame is the figure's own markup.
    @event_priority(50)
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Wrap each bare table, so Material's scrolling box restyles only the wrapper."""
        if not self.config.enabled or config.theme.name != "material":
            return html
        return box_tables(html)

    # Before self_hosted (last): its policy allows the inline script by its hash.
    @event_priority(-50)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Take the palette toggle from Material's bundle and start it inline instead."""
        if not self.config.enabled:
            return output
        return own_toggle(output, source_path(page, config))

    def on_post_template(
        self, output_content: str, /, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        """The same for pages made from a template alone (Material's ``404.html``)."""
        if not self.config.enabled:
            return output_content
        return own_toggle(output_content, template_name)
