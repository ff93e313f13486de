// @ts-check
// Every frame's HTML, and the controls an edit brings, pass through here before they reach the
// page. Python may be a reader's edit or a link's code; the page's Content-Security-Policy
// stops its scripts, but markup could still draw a fake form or cover the page. What passes
// is what the figure API and the figures produce: text, lists, tables, SVG drawings,
// canvases, their own class names, and inline sizes and colours. The rest is dropped with its
// content; a class name not on the lists is dropped alone. A frame's list is the framework's and
// the site's (the figures plugin's frame_classes and placed_classes), handed over in the
// contract: any other name could take a style of the page's (as Material's `md-consent__overlay`,
// fixed and blurring over everything) or be a figure's part, which the framework finds by class.
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

/**
 * Attributes any allowed element may have, besides data-* and aria-*. No SVG `transform`: no
 * figure draws with one.
 */
const FRAME_ATTRIBUTES = new Set(
  (
    "class role title style width height scope colspan rowspan lang dir " +
    "viewBox x y x1 x2 y1 y2 cx cy r rx ry d points text-anchor " +
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
/**
 * Class names markup.py gives controls (styled in assets/figures.css; `md-button` is Material's
 * look for a Button), and no other: not the legend's, which figure.js keeps across edits.
 */
const CONTROL_CLASSES = new Set(
  (
    "live-control live-control--slider live-control--choice live-control--toggle " +
    "live-control--button live-control__label md-button"
  ).split(" "),
);
/** An <input> of another type (or none: a text box) would send every keystroke to Python. */
const CONTROL_TYPES = new Set(["range", "checkbox", "button"]);

/**
 * Inline styles: sizes and colours only. Nothing that places or layers an element (position,
 * left, top, z-index, transform, inset, translate, margin): those go, whatever their value.
 */
const SIZES = /^(\d+(\.\d+)?(%|px|em|rem)?|auto)$/;
const COLOURS = /^(#[0-9a-f]{3,8}|[a-z]+|(rgba?|hsla?)\([\d.,% ]+\)|var\(--[\w-]+\))$/i;
const STYLES = /** @type {Record<string, RegExp>} */ ({
  width: SIZES,
  height: SIZES,
  "min-width": SIZES,
  "max-width": SIZES,
  color: COLOURS,
  "background-color": COLOURS,
  "border-color": COLOURS,
  fill: COLOURS,
  stroke: COLOURS,
  opacity: /^(0|1|0?\.\d+)$/,
  "font-weight": /^(bold|normal|\d{3})$/,
  "text-align": /^(left|right|center)$/,
});
/** Inside a placed class: a share of its box (a mark's place on a ruler, a bar's length). */
const SHARE = /^(100(\.0+)?|\d{1,2}(\.\d+)?)%$/;
const PLACED_STYLES = /** @type {Record<string, RegExp>} */ ({ left: SHARE, width: SHARE });

/**
 * What the site's frames may use (Contract["frame"]): class names, and the classes its CSS
 * places out of the flow (`position: absolute`), each with the class of the `position: relative`
 * box it is drawn in and the elements it holds, by depth. A placed class is kept only as a child
 * of its box, and never inside another placed class (each nesting would move its element once
 * more); inside, only the elements it holds, and inline `left` and `width` as percentages of
 * that box. Elsewhere it would be placed against the page.
 * @typedef {Protocol.Contract["frame"]} Site
 */

/** @type {WeakMap<Site, Rules>} Each site's rules, built once. */
const SITES = new WeakMap();

/**
 * A frame's HTML, with everything the figure API and the site's figures would not produce taken
 * out.
 * @param {string} html
 * @param {Site} site
 * @returns {DocumentFragment}
 */
export function cleanFrame(html, site) {
  let rules = SITES.get(site);
  if (!rules) {
    rules = {
      elements: FRAME_ELEMENTS,
      attributes: FRAME_ATTRIBUTES,
      classes: new Set(site.classes),
      places: new Map(Object.entries(site.placed)),
      allowed: () => true,
    };
    SITES.set(site, rules);
  }
  return clean(html, rules);
}

/**
 * Controls' HTML from an edit: form fields as markup.py writes them, with ids of this
 * placement only (``<placement>-<name>``), so none can take another element's id.
 * @param {string} html
 * @param {string} placement
 * @returns {DocumentFragment}
 */
export function cleanControls(html, placement) {
  return clean(html, {
    elements: CONTROL_ELEMENTS,
    attributes: CONTROL_ATTRIBUTES,
    classes: CONTROL_CLASSES,
    places: new Map(),
    fits: (field) => field.localName !== "input" || CONTROL_TYPES.has(field.getAttribute("type") || ""),
    allowed: (_, name, value) => (name !== "id" && name !== "for") || value.startsWith(`${placement}-`),
  });
}

/**
 * @typedef {object} Rules
 * @property {Set<string>} elements
 * @property {Set<string>} attributes
 * @property {Set<string>} classes
 * @property {Map<string, { box: string, holds: string[] }>} places placed classes, by name
 * @property {(element: Element) => boolean} [fits] whether an allowed element stays at all
 * @property {(element: Element, name: string, value: string) => boolean} allowed
 */

/**
 * @param {string} html
 * @param {Rules} rules
 */
function clean(html, { elements, attributes, classes, places, fits, allowed }) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT);
  /** @type {Node[]} */
  const dropped = [];
  // Parents come before their children: a child's checks read its parent's cleaned classes.
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!(node instanceof Element) || !elements.has(node.localName) || (fits && !fits(node))) {
      dropped.push(node);
      continue;
    }
    keepClasses(node, classes, places);
    const placed = placedIn(node, places);
    if (placed && placed.depth > 0 && placed.holds[placed.depth - 1] !== node.localName) {
      dropped.push(node);
      continue;
    }
    const styles = placed ? PLACED_STYLES : STYLES;
    for (const { name, value } of [...node.attributes]) {
      if (name === "class") continue;
      const known = attributes.has(name) || /^(data|aria)-[\w-]+$/.test(name);
      const ok = known && allowed(node, name, value) && (name !== "style" || safeStyle(node, styles));
      if (!ok) node.removeAttribute(name);
    }
  }
  for (const node of dropped) node.parentNode?.removeChild(node);
  return template.content;
}

/**
 * Keeps the element's allowed class names; the attribute is left as written when all are.
 * @param {Element} element
 * @param {Set<string>} classes
 * @param {Rules["places"]} places
 */
function keepClasses(element, classes, places) {
  const value = element.getAttribute("class");
  if (value === null) return;
  const names = value.split(/[\t\n\f\r ]+/).filter(Boolean);
  const parent = element.parentElement;
  const kept = names.filter((name) => {
    const place = places.get(name);
    return classes.has(name) && (!place || (!!parent?.classList.contains(place.box) && !placedIn(parent, places)));
  });
  if (kept.length === names.length) return;
  if (kept.length) element.setAttribute("class", kept.join(" "));
  else element.removeAttribute("class");
}

/**
 * The placed class the element is in (depth 0: it has it), and what that class may hold.
 * @param {Element} element
 * @param {Rules["places"]} places
 * @returns {{ depth: number, holds: string[] } | null}
 */
function placedIn(element, places) {
  let depth = 0;
  for (let at = /** @type {Element | null} */ (element); at; at = at.parentElement, depth++) {
    for (const [name, { holds }] of places) if (at.classList.contains(name)) return { depth, holds };
  }
  return null;
}

/**
 * @param {Element} element
 * @param {Record<string, RegExp>} rules
 */
function safeStyle(element, rules) {
  const style = /** @type {HTMLElement} */ (element).style;
  for (let index = 0; index < style.length; index++) {
    const property = style[index];
    const rule = rules[property];
    if (!rule || !rule.test(style.getPropertyValue(property).trim())) return false;
  }
  return true;
}
