// @ts-check
// Every frame's HTML, and the controls an edit brings, pass through here before they reach the
// page. Python may be a reader's edit or a link's code; the page's Content-Security-Policy
// stops its scripts, but markup could still draw a fake form or cover the page. What passes
// is what the figure API and the figures produce: text, lists, tables, SVG drawings,
// canvases, their own class names, and inline sizes and colours. The rest is dropped with its
// content; a class name not on the lists below is dropped alone.
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

/**
 * Class names a frame may use, each by name: any other could take a style of the page's (as
 * Material's `md-consent__overlay`, fixed and blurring over everything). Not the parts of a
 * figure (contract.py's CLASSES): the framework finds them by class, and no frame needs one.
 */
const FRAME_CLASSES = new Set(
  [
    // The figure API's canvas(): api.py, styled in assets/figures.css.
    "live-canvas live-canvas--pixelated",
    // This essay's figures (widgets/*.py; styled in docs/stylesheets/essay.css). Shared by
    // several:
    "gm-note gm-readout gm-numbers",
    // density_surface, normalizing_flow, family_samples
    "gm-surface gm-flow gm-flow__panel gm-fs gm-fs__samples gm-fs__chosen",
    // pixel_explosion
    "gm-px gm-px__readouts gm-px__bar gm-px__fill gm-px__fill--over gm-px__label " +
      "gm-px__label--over gm-px__ruler gm-px__reach gm-px__marks gm-px__mark " +
      "gm-px__mark--passed gm-px__scale",
    // probability_budget
    "gm-budget-live gm-budget-panel gm-b__title gm-b__total gm-b__label gm-b__cell " +
      "gm-b__cell--0 gm-b__cell--1 gm-b__part gm-b__part--0 gm-b__part--1 gm-b__part--2 " +
      "gm-b__line gm-b__base",
    // spam_classifiers
    "gm-spam gm-spam__panel gm-spam__p gm-spam__bar gm-spam__fill gm-spam__fill--left " +
      "gm-spam__fill--right gm-spam__corpus gm-spam__meaning gm-spam__curve-box " +
      "gm-spam__chart gm-spam__axis gm-spam__tick gm-spam__curve gm-spam__curve--nb " +
      "gm-spam__curve--lr gm-spam__key gm-spam__key--nb gm-spam__key--lr",
    // The suite's own figures: tests/sites/minimal/figs/dice_sums.py, and those the fault,
    // import-chain, offline and shared-origin tests write (test_browser.py and faults.py,
    // test_imports.py, test_offline_reading.py, test_shared_origin.py). No page styles them.
    "dice bar calm chain built",
  ]
    .join(" ")
    .split(" "),
);

/**
 * Classes the figures' CSS takes out of the flow (essay.css: `.gm-spam__fill` and the `li` and
 * `span` in `.gm-px__marks` are absolute), with the class of the `position: relative` box the
 * figure draws them in. Kept only as a child of that box, and never inside another such class
 * (each nesting would move its element once more); inside, only the elements the figure puts
 * there, by depth, and inline `left` and `width` as percentages of that box. Elsewhere they
 * would be placed against the page.
 */
const PLACED = new Map([
  ["gm-px__marks", { box: "gm-px__ruler", holds: ["li", "span"] }],
  ["gm-spam__fill", { box: "gm-spam__bar", holds: [] }],
]);

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
/** Inside a PLACED box: a share of the box (a mark's place on the ruler, a bar's length). */
const SHARE = /^(100(\.0+)?|\d{1,2}(\.\d+)?)%$/;
const PLACED_STYLES = /** @type {Record<string, RegExp>} */ ({ left: SHARE, width: SHARE });

/**
 * A frame's HTML, with everything the figure API would not produce taken out.
 * @param {string} html
 * @returns {DocumentFragment}
 */
export function cleanFrame(html) {
  return clean(html, {
    elements: FRAME_ELEMENTS,
    attributes: FRAME_ATTRIBUTES,
    classes: FRAME_CLASSES,
    allowed: () => true,
  });
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
    fits: (field) => field.localName !== "input" || CONTROL_TYPES.has(field.getAttribute("type") || ""),
    allowed: (_, name, value) => (name !== "id" && name !== "for") || value.startsWith(`${placement}-`),
  });
}

/**
 * @typedef {object} Rules
 * @property {Set<string>} elements
 * @property {Set<string>} attributes
 * @property {Set<string>} classes
 * @property {(element: Element) => boolean} [fits] whether an allowed element stays at all
 * @property {(element: Element, name: string, value: string) => boolean} allowed
 */

/**
 * @param {string} html
 * @param {Rules} rules
 */
function clean(html, { elements, attributes, classes, fits, allowed }) {
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
    keepClasses(node, classes);
    const placed = placedIn(node);
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
 */
function keepClasses(element, classes) {
  const value = element.getAttribute("class");
  if (value === null) return;
  const names = value.split(/[\t\n\f\r ]+/).filter(Boolean);
  const parent = element.parentElement;
  const kept = names.filter((name) => {
    const place = PLACED.get(name);
    return classes.has(name) && (!place || (!!parent?.classList.contains(place.box) && !placedIn(parent)));
  });
  if (kept.length === names.length) return;
  if (kept.length) element.setAttribute("class", kept.join(" "));
  else element.removeAttribute("class");
}

/**
 * The PLACED box the element is in (depth 0: it is the box), and what that box may hold.
 * @param {Element} element
 * @returns {{ depth: number, holds: string[] } | null}
 */
function placedIn(element) {
  let depth = 0;
  for (let at = /** @type {Element | null} */ (element); at; at = at.parentElement, depth++) {
    for (const [name, { holds }] of PLACED) if (at.classList.contains(name)) return { depth, holds };
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
