// @ts-check
// Every frame's HTML, and the controls an edit brings, pass through here before they reach the
// page. Python may be a reader's edit or a link's code; the page's Content-Security-Policy
// stops its scripts, but markup could still draw a fake form or cover the page. What passes
// is what the figure API and the figures produce: text, lists, tables, SVG drawings,
// canvases, and inline sizes and colours. The rest is dropped with its content.
//
// A <template> parses without running or fetching anything. Allowed markup comes out
// byte-identical (tests/test_sanitize.py checks every shipped figure in many states).

/** Elements a frame may hold (lower case for HTML; SVG's own case for SVG). */
const FRAME_ELEMENTS = new Set(
  (
    "div span p strong em b i small sub sup br hr code pre abbr mark ul ol li dl dt dd " +
    "table caption thead tbody tfoot tr th td figure figcaption section h3 h4 h5 h6 canvas " +
    "svg g path line polyline polygon rect circle ellipse text tspan title desc"
  ).split(" "),
);

/** Attributes any allowed element may have, besides data-* and aria-*. */
const FRAME_ATTRIBUTES = new Set(
  (
    "class role title style width height scope colspan rowspan lang dir " +
    "viewBox x y x1 x2 y1 y2 cx cy r rx ry d points transform text-anchor " +
    "dominant-baseline fill stroke stroke-width stroke-linejoin stroke-linecap " +
    "stroke-dasharray opacity fill-opacity stroke-opacity preserveAspectRatio"
  ).split(" "),
);

/** The controls' own markup (figures/markup.py) adds these. */
const CONTROL_ELEMENTS = new Set(["div", "span", "label", "input", "select", "option", "output", "button"]);
const CONTROL_ATTRIBUTES = new Set(
  (
    "class role title id for name type min max step value checked selected data-unit " +
    "data-drag data-per-pixel data-wrap aria-label aria-describedby aria-pressed"
  ).split(" "),
);
const CONTROL_TYPES = new Set(["range", "checkbox", "button"]);

/** Inline styles: sizes and colours only; nothing that places an element elsewhere. */
const SIZES = /^(\d+(\.\d+)?(%|px|em|rem)?|auto)$/;
const COLOURS = /^(#[0-9a-f]{3,8}|[a-z]+|(rgba?|hsla?)\([\d.,% ]+\)|var\(--[\w-]+\))$/i;
const STYLES = /** @type {Record<string, RegExp>} */ ({
  width: SIZES,
  height: SIZES,
  "min-width": SIZES,
  "max-width": SIZES,
  left: SIZES,
  color: COLOURS,
  "background-color": COLOURS,
  "border-color": COLOURS,
  fill: COLOURS,
  stroke: COLOURS,
  opacity: /^(0|1|0?\.\d+)$/,
  "font-weight": /^(bold|normal|\d{3})$/,
  "text-align": /^(left|right|center)$/,
});

/**
 * A frame's HTML, with everything the figure API would not produce taken out.
 * @param {string} html
 * @returns {DocumentFragment}
 */
export function cleanFrame(html) {
  return clean(html, FRAME_ELEMENTS, FRAME_ATTRIBUTES, () => true);
}

/**
 * Controls' HTML from an edit: form fields as markup.py writes them, with ids of this
 * placement only (``<placement>-<name>``), so none can take another element's id.
 * @param {string} html
 * @param {string} placement
 * @returns {DocumentFragment}
 */
export function cleanControls(html, placement) {
  return clean(html, CONTROL_ELEMENTS, CONTROL_ATTRIBUTES, (element, name, value) => {
    if (name === "id" || name === "for") return value.startsWith(`${placement}-`);
    if (name === "type") return element.localName !== "input" || CONTROL_TYPES.has(value);
    return true;
  });
}

/**
 * @param {string} html
 * @param {Set<string>} elements
 * @param {Set<string>} attributes
 * @param {(element: Element, name: string, value: string) => boolean} allowed
 */
function clean(html, elements, attributes, allowed) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
  /** @type {Node[]} */
  const dropped = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node instanceof Element) || !elements.has(node.localName)) {
      dropped.push(node);
      continue;
    }
    for (const { name, value } of [...node.attributes]) {
      const known = attributes.has(name) || /^(data|aria)-[\w-]+$/.test(name);
      const ok = known && allowed(node, name, value) && (name !== "style" || safeStyle(node));
      if (!ok) node.removeAttribute(name);
    }
  }
  for (const node of dropped) node.parentNode?.removeChild(node);
  return template.content;
}

/** @param {Element} element */
function safeStyle(element) {
  const style = /** @type {HTMLElement} */ (element).style;
  for (let index = 0; index < style.length; index++) {
    const property = style[index];
    const rule = STYLES[property];
    if (!rule || !rule.test(style.getPropertyValue(property).trim())) return false;
  }
  return true;
}
