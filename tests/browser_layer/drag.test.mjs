// @ts-check
// Which sliders the picture moves, said again as the controls change
// (src/essay_site/figures/browser/drag.js), against a fake document; no browser.
import assert from "node:assert/strict";
import { test } from "node:test";

import { enableDrag } from "../../src/essay_site/figures/browser/drag.js";

/** An element, as far as drag.js uses one. */
class FakeElement {
  /** @param {string} [tag] */
  constructor(tag = "div") {
    this.tag = tag;
    /** @type {Map<string, string>} */
    this.attributes = new Map();
    /** @type {FakeElement[]} */
    this.children = [];
    /** @type {Record<string, string>} */
    this.dataset = {};
    /** @type {{ textContent: string }[]} */
    this.labels = [];
  }

  /** @param {number} value */
  set tabIndex(value) {
    this.attributes.set("tabindex", String(value));
  }

  /** @param {string} name @param {string} value */
  setAttribute(name, value) {
    this.attributes.set(name, value);
  }

  /** @param {string} name */
  removeAttribute(name) {
    this.attributes.delete(name);
    // As browsers do: an element that can no longer take the focus loses it.
    if (name === "tabindex" && document.activeElement === this) document.activeElement = null;
  }

  /** @param {string} name @param {boolean} on */
  toggleAttribute(name, on) {
    if (on) this.attributes.set(name, "");
    else this.attributes.delete(name);
  }

  focus() {
    document.activeElement = this;
  }

  addEventListener() {}

  /** @param {string} selector */
  querySelectorAll(selector) {
    return selector === "input[data-drag]" ? this.children.filter((child) => "drag" in child.dataset) : [];
  }

  /** @param {string} selector */
  querySelector(selector) {
    return selector === "input, select, button" ? (this.children[0] ?? null) : null;
  }
}

/** @type {{ activeElement: FakeElement | null }} */
const document = { activeElement: null };
Object.assign(globalThis, { document });

/**
 * A figure whose controls are ``sliders`` (each dragged along ``drag``, or not at all).
 * @param {(string | null)[]} sliders
 */
function figure(sliders) {
  const form = new FakeElement("form");
  const output = new FakeElement();
  const set = (/** @type {(string | null)[]} */ drags) => {
    form.children = drags.map((drag) => {
      const input = new FakeElement("input");
      if (drag) input.dataset.drag = drag;
      input.labels = [{ textContent: ` slider ${drag} ` }];
      return input;
    });
  };
  set(sliders);
  const describe = enableDrag(/** @type {*} */ (form), /** @type {*} */ (output), () => {});
  return { form, output, describe, set };
}

test("a picture that moves sliders is in the tab order, named by them", () => {
  const { output } = figure(["x", null]);
  assert.equal(output.attributes.get("tabindex"), "0");
  assert.equal(output.attributes.get("aria-label"), "Drag, or use the arrow keys, to change slider x");
});

test("when the sliders it moved go, a reader on the picture is on the first control", () => {
  const { form, output, describe, set } = figure(["x"]);
  output.focus();
  set([null, null]); // the build's controls back in place of an edit's
  describe();
  assert.equal(output.attributes.has("tabindex"), false);
  assert.equal(output.attributes.has("aria-label"), false);
  assert.equal(document.activeElement, form.children[0], "the focus fell to the page");
});

test("with no control left, the picture keeps the focus, out of the tab order", () => {
  const { output, describe, set } = figure(["y"]);
  output.focus();
  set([]);
  describe();
  assert.equal(document.activeElement, output, "the focus fell to the page");
  assert.equal(output.attributes.get("tabindex"), "-1");
  // Once the reader has moved on, the picture leaves the focus order altogether.
  document.activeElement = null;
  describe();
  assert.equal(output.attributes.has("tabindex"), false);
});

test("a reader elsewhere stays where they are", () => {
  const { output, describe, set } = figure(["x"]);
  const elsewhere = new FakeElement("button");
  elsewhere.focus();
  set([null]);
  describe();
  assert.equal(output.attributes.has("tabindex"), false);
  assert.equal(document.activeElement, elsewhere);
});
