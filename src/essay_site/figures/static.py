"""The page as built: each frame's canvases drawn as SVG pictures, at build time and in a download.

The browser paints a frame's layers into canvases (``browser/paint.js``); a page as built has
no script yet, so each canvas becomes an SVG file of the same layers, drawn by the same rule.
A reader's browser never runs it (the worker has ``api`` and ``runner``); a figure's download
ships it (``contract.KIT``), so that the figure runs elsewhere with the same pictures.
"""

from __future__ import annotations

import base64
import html
import re
import struct
import zlib
from collections.abc import Callable

from essay_site.figures.api import Frame, Layer, Raster, Shapes, _bytes

_CANVAS = re.compile(
    r'<canvas data-canvas="([\w-]+)" width="(\d+)" height="(\d+)" class="([^"]*)" '
    r'role="img" aria-label="([^"]*)"></canvas>'
)
#: Stores a picture file (an SVG document) for the page as built, and returns its address.
Place = Callable[[bytes], str]


def raster_svg(layer: Raster) -> str:
    """The image as a PNG inside SVG, for the page as built (no script needed)."""
    data = layer.message()["data"]
    width, height = layer.width, layer.height
    rows = b"".join(
        b"\x00" + data[row * width * 4 : (row + 1) * width * 4] for row in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
        for tag, body in ((b"IHDR", header), (b"IDAT", zlib.compress(rows, 9)), (b"IEND", b""))
    )
    href = "data:image/png;base64," + base64.b64encode(png).decode()
    return f'<image width="{width}" height="{height}" href="{href}" preserveAspectRatio="none"/>'


def shapes_svg(layer: Shapes) -> str:
    """The shapes as SVG paths, for the page as built (no script needed)."""
    points = memoryview(_bytes(layer.points, "f", "Shapes.points")).cast("f").tolist()
    fills = None if layer.fill is None else list(_bytes(layer.fill, "B", "Shapes.fill"))
    step = layer.vertices * 2
    paths = []
    for index in range(len(points) // step):
        xy = points[index * step : (index + 1) * step]
        d = "M" + "L".join(f"{xy[i]:.1f} {xy[i + 1]:.1f}" for i in range(0, step, 2))
        if fills is None:
            paint = f'fill="none" stroke="{layer.stroke}"'
        else:
            r, g, b, a = fills[index * 4 : index * 4 + 4]
            colour = f"rgba({r},{g},{b},{a / 255:.3f})"
            paint = f'fill="{colour}" stroke="{layer.stroke or colour}"'
        paths.append(f'<path d="{d}{"Z" if layer.closed else ""}" {paint}/>')
    return f'<g stroke-width="{layer.width}" stroke-linejoin="round">{"".join(paths)}</g>'


def layer_svg(layer: Layer) -> str:
    """One layer as SVG, by its kind."""
    return raster_svg(layer) if isinstance(layer, Raster) else shapes_svg(layer)


def static_html(frame: Frame, place: Place) -> str:
    """The picture for the page as built: each canvas becomes an image of its layers.

    The image is an SVG file (``place`` stores it), not inline markup: the page stays
    small and paints its text first. Its width and height keep its room before it loads.
    """

    def draw(match: re.Match[str]) -> str:
        name, width, height, kind, label = match.groups()
        inside = "".join(layer_svg(layer) for layer in frame.layers if layer.canvas == name)
        # Inside an image file the page's CSS cannot reach: pixels stay hard-edged here.
        style = ' style="image-rendering:pixelated"' if "--pixelated" in kind else ""
        document = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"{style}>{inside}</svg>'
        )
        return (
            f'<img data-canvas="{name}" src="{html.escape(place(document.encode()))}" '
            f'width="{width}" height="{height}" class="{kind}" alt="{label}" '
            'loading="lazy" decoding="async">'
        )

    return _CANVAS.sub(draw, frame.html)
