// @ts-check
// URL state (src/essay_site/figures/browser/permalink.js): a URL is anyone's, so each value
// is checked against the control it would set. No browser: the rules are plain functions.
import assert from "node:assert/strict";
import { test } from "node:test";

import { accepted, toURL, valuesFor } from "../../src/essay_site/figures/browser/permalink.js";

const slider = /** @type {const} */ ({ kind: "range", min: 1, max: 800 });
const menu = /** @type {{ kind: "select", options: string[] }} */ ({ kind: "select", options: ["gaussian", "flow"] });

test("a slider takes a number, held within its range", () => {
  assert.equal(accepted(slider, "28"), "28");
  assert.equal(accepted(slider, " 28 "), "28");
  assert.equal(accepted(slider, "2.5"), "2.5");
  assert.equal(accepted(slider, "-40"), "1");
  assert.equal(accepted(slider, "1e6"), "800");
});

test("a slider refuses what is not a finite number", () => {
  for (const hostile of ["", "  ", "NaN", "Infinity", "1e999", "28abc", "<script>", "[]", "1,2"]) {
    assert.equal(accepted(slider, hostile), null, hostile);
  }
});

test("a menu takes only one of its own options", () => {
  assert.equal(accepted(menu, "flow"), "flow");
  for (const hostile of ["Flow", "flow ", "", "__proto__", "constructor", "<img src=x>"]) {
    assert.equal(accepted(menu, hostile), null, hostile);
  }
});

test("a checkbox is on for 1 only; other controls take nothing", () => {
  assert.equal(accepted({ kind: "checkbox" }, "1"), true);
  for (const other of ["0", "true", "yes", ""]) assert.equal(accepted({ kind: "checkbox" }, other), false);
  assert.equal(accepted({ kind: "other" }, "28"), null);
});

test("each figure reads only its own parameters, decoded", () => {
  const search = "?pixel_explosion.n=28&pixel_explosion2.n=3&other.n=4&pixel_explosion.t=a%20b&x=1";
  assert.deepEqual(valuesFor(search, "pixel_explosion"), [
    ["n", "28"],
    ["t", "a b"],
  ]);
  assert.deepEqual(valuesFor("", "pixel_explosion"), []);
});

test("the address follows the figure's controls; parameters of other names stay", () => {
  // No DOM here: a slider is neither of the classes toURL tells apart by their values.
  Object.assign(globalThis, { HTMLInputElement: class {}, HTMLSelectElement: class {} });
  /** @param {string} name @param {string} value */
  const slider = (name, value) =>
    /** @type {Element} */ (/** @type {unknown} */ ({ name, value, type: "range", defaultValue: "10" }));
  const url = new URL("https://example.org/essay/?fig.n=22&fig.m=3&other.m=4&fig.k=12#fig");
  // "n" moved on, "k" is back at its built value; "m" belongs to a link's code not yet run.
  const written = toURL([slider("n", "30"), slider("k", "10")], "fig", url);
  assert.equal(written.search, "?fig.n=30&fig.m=3&other.m=4");
  assert.equal(written.hash, "#fig");
});
