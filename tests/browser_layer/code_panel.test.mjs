// @ts-check
// Where a run's outcome is told (src/essay_site/figures/browser/code_panel.js): in the open
// editor only if the editor holds the code that ran, since Python's line numbers are that
// code's, and the reader has not closed it; otherwise the figure says it beside itself.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CodePanel } from "../../src/essay_site/figures/browser/code_panel.js";

/**
 * A panel with an editor on `text`, recording what it marks.
 * @param {string | null} text
 * @param {boolean} [open] Whether the reader has the code disclosure open.
 */
function panel(text, open = true) {
  const details = /** @type {HTMLDetailsElement} */ (/** @type {unknown} */ ({ addEventListener() {}, dataset: {}, open }));
  const options = /** @type {import("../../src/essay_site/figures/browser/code_panel.js").PanelOptions} */ (
    /** @type {unknown} */ ({ classes: { copy: "copy" } })
  );
  const shown = new CodePanel(details, options);
  /** @type {[number | null, string][]} */
  const marks = [];
  if (text !== null) {
    const error = /** @type {HTMLElement} */ ({ textContent: "earlier" });
    shown.editor = {
      view: { focus() {} },
      text: () => text,
      setText() {},
      mark: (line, message) => void marks.push([line, message]),
      error,
    };
  }
  return { shown, marks };
}

const failed = { id: "f", ok: false, message: "NameError: name 'x' is not defined", line: 3, controls: "" };

test("a failed run of the editor's text is marked in the editor, at its line", () => {
  const { shown, marks } = panel("print(x)");
  assert.equal(shown.showOutcome(failed, "print(x)"), true);
  assert.equal(shown.editor?.error.textContent, "Line 3: NameError: name 'x' is not defined");
  assert.deepEqual(marks, [[3, failed.message]]);
});

test("a run that drew clears the editor's message and mark", () => {
  const { shown, marks } = panel("print(1)");
  assert.equal(shown.showOutcome({ id: "f", ok: true, message: "", line: null, controls: "" }, "print(1)"), true);
  assert.equal(shown.editor?.error.textContent, "");
  assert.deepEqual(marks, [[null, ""]]);
});

test("other code's outcome (a link's, a kept edit's) leaves the open editor alone", () => {
  const { shown, marks } = panel("the reader's own text");
  assert.equal(shown.showOutcome(failed, "a link's code"), false);
  assert.equal(shown.editor?.error.textContent, "earlier");
  assert.deepEqual(marks, []);
});

test("with no editor open the outcome is not told here", () => {
  const { shown } = panel(null);
  assert.equal(shown.showOutcome(failed, "print(x)"), false);
});

test("an editor the reader has closed is told, but the figure says it beside itself too", () => {
  const { shown, marks } = panel("print(x)", false);
  assert.equal(shown.showOutcome(failed, "print(x)"), false);
  assert.equal(shown.editor?.error.textContent, "Line 3: NameError: name 'x' is not defined");
  assert.deepEqual(marks, [[3, failed.message]]);
});
