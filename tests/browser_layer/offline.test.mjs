// @ts-check
// What the header says of offline reading (src/essay_site/offline_reading/assets/offline.js),
// from the messages the page hears. Its source runs as the page runs it, a classic script,
// against a fake document and service-worker container; no browser.
import assert from "node:assert/strict";
import { test } from "node:test";

// node:fs, which tests/browser_layer/node.d.ts leaves out: a name tsc does not follow, typed here.
/** @type {{ readFileSync: (path: URL, encoding: "utf-8") => string }} */
const { readFileSync } = await import(`node:${"fs"}`);

const SOURCE = readFileSync(new URL("../../src/essay_site/offline_reading/assets/offline.js", import.meta.url), "utf-8");
const PAGE = "https://reader.example/a/";

/** An element, as far as offline.js uses one. */
class FakeElement {
  constructor() {
    this.textContent = "";
    this.className = "";
    /** @type {Record<string, string>} */
    this.dataset = {};
    /** @type {FakeElement[]} */
    this.children = [];
  }

  /** @param {FakeElement[]} nodes */
  append(...nodes) {
    this.children.push(...nodes);
  }

  setAttribute() {}
  remove() {}

  /** A button's click, the one listener offline.js gives an element. @param {string} _ @param {Function} listener */
  addEventListener(_, listener) {
    this.click = listener;
  }

  /** @param {string} selector */
  querySelector(selector) {
    return selector === "button" ? (this.children.find((child) => child.click) ?? null) : null;
  }
}

/**
 * The page of the site at /a/, its script run; ``hear`` delivers a message from a worker.
 * @param {{ controlled?: boolean, waiting?: object | null }} [options] ``waiting``: a new
 *   version, installed and waiting to take over.
 */
function page({ controlled = false, waiting = null } = {}) {
  /** @type {Map<string, Function>} */
  const listeners = new Map();
  const header = new FakeElement();
  const document = {
    currentScript: { dataset: { worker: "sw.js" } },
    readyState: "complete",
    createElement: () => new FakeElement(),
    querySelector: (/** @type {string} */ selector) => (selector === ".md-header__inner" ? header : null),
  };
  const registration = { installing: null, waiting, addEventListener() {}, update: async () => {} };
  const container = {
    controller: /** @type {object | null} */ (controlled ? {} : null),
    addEventListener: (/** @type {string} */ type, /** @type {Function} */ listener) => listeners.set(type, listener),
    register: async () => registration,
    getRegistration: async () => registration,
  };
  const window = { isSecureContext: true };
  const location = { href: PAGE, protocol: "https:", reloads: 0, reload: () => location.reloads++ };
  const run = new Function("document", "navigator", "window", "location", "addEventListener", SOURCE);
  run(document, { serviceWorker: container }, window, location, () => {});
  // The status line in the header, and the words in it.
  const status = () => header.children[0]?.children[0]?.textContent ?? "";
  /** @param {Record<string, unknown>} data @param {string} worker The worker's script address. */
  const hear = (data, worker) => listeners.get("message")?.({ data, source: { scriptURL: worker } });
  /** The button beside the status line, pressed. */
  const press = () => header.children[0]?.querySelector("button")?.click?.();
  return { status, hear, press, location, container };
}

test("only this site's worker is heard, not another site's on the same origin", () => {
  const { status, hear } = page();
  const before = status();
  hear({ type: "saved" }, "https://reader.example/b/sw.js");
  hear({ type: "damaged" }, "https://reader.example/sw.js");
  assert.equal(status(), before, "another site's saving is not this one's");
  hear({ type: "saved" }, `${PAGE}sw.js`);
  assert.equal(status(), "Available offline");
});

test("a new version that could not be saved leaves the copy in use whole, and says so", () => {
  const first = page();
  first.hear({ type: "failed", message: "HTTP 503" }, `${PAGE}sw.js`);
  assert.match(first.status(), /^Could not save for offline reading/);
  const returning = page({ controlled: true });
  returning.hear({ type: "failed", message: "HTTP 503" }, `${PAGE}sw.js`);
  assert.match(returning.status(), /^Could not save the new version/);
});

test("Reload, pressed after another tab's Reload made the new version the active one, loads the page", async () => {
  /** @type {unknown[]} */
  const asked = [];
  const waiting = { state: "installed", postMessage: (/** @type {unknown} */ m) => asked.push(m), addEventListener() {} };
  const tab = page({ controlled: true, waiting });
  await new Promise((resolve) => setTimeout(resolve, 0)); // register() looks at the registration
  assert.equal(tab.status(), "A new version of this essay is available.");
  waiting.state = "activated"; // the other tab's Reload; this one's controller changed unasked
  tab.press();
  assert.equal(tab.location.reloads, 1, "the button did nothing");
  assert.deepEqual(asked, []);
  // Pressed a moment earlier: still activating, but already this page's worker.
  const early = { ...waiting, state: "installed" };
  const other = page({ controlled: true, waiting: early });
  await new Promise((resolve) => setTimeout(resolve, 0));
  early.state = "activating";
  other.container.controller = early;
  other.press();
  assert.equal(other.location.reloads, 1, "no controller change is left to wait for");
});
