// @ts-check
// Saved edits (src/essay_site/figures/browser/edits.js): kept with the module's version (and
// whether their sandbox was stopped), never lost to a storage that is full, off, or holds
// something else.
import assert from "node:assert/strict";
import { test } from "node:test";

import { SavedEdits } from "../../src/essay_site/figures/browser/edits.js";

/** A localStorage stand-in. */
function memory() {
  /** @type {Map<string, string>} */
  const items = new Map();
  return {
    items,
    getItem: (/** @type {string} */ key) => (items.has(key) ? /** @type {string} */ (items.get(key)) : null),
    setItem: (/** @type {string} */ key, /** @type {unknown} */ value) => void items.set(key, String(value)),
    removeItem: (/** @type {string} */ key) => void items.delete(key),
  };
}

test("an edit kept on this version comes back as current", () => {
  const store = memory();
  new SavedEdits(() => store, "edit:a", "v1").keep("x = 1");
  assert.deepEqual(new SavedEdits(() => store, "edit:a", "v1").recall(), {
    source: "x = 1",
    current: true,
    stopped: false,
  });
  assert.equal(new SavedEdits(() => store, "edit:b", "v1").recall(), null, "per figure");
});

test("an edit made on another version comes back, marked as not current", () => {
  const store = memory();
  new SavedEdits(() => store, "edit:a", "v1").keep("x = 1");
  assert.deepEqual(new SavedEdits(() => store, "edit:a", "v2").recall(), {
    source: "x = 1",
    current: false,
    stopped: false,
  });
});

test("an edit whose sandbox was stopped comes back marked so, until it is kept again", () => {
  const store = memory();
  const edits = new SavedEdits(() => store, "edit:a", "v1");
  edits.keep("while True: pass");
  edits.stop("while True: pass");
  assert.deepEqual(edits.recall(), { source: "while True: pass", current: true, stopped: true });
  edits.keep("x = 1");
  assert.deepEqual(edits.recall(), { source: "x = 1", current: true, stopped: false });
});

test("code that was stopped is marked so only if it is the kept edit", () => {
  const store = memory();
  const edits = new SavedEdits(() => store, "edit:a", "v1");
  edits.keep("x = 1");
  edits.stop("while True: pass"); // a reader's run that never drew, or a link's code
  assert.deepEqual(edits.recall(), { source: "x = 1", current: true, stopped: false });
  edits.stop(null);
  assert.deepEqual(edits.recall(), { source: "x = 1", current: true, stopped: false });
  edits.stop("x = 1"); // the kept edit, run again as the figure went live, never finished
  assert.deepEqual(edits.recall(), { source: "x = 1", current: true, stopped: true });
  edits.keep(null);
  edits.stop("x = 1");
  assert.equal(edits.recall(), null, "nothing kept, nothing made up");
  // An edit of an earlier version, run when the reader asked, stays one.
  new SavedEdits(() => store, "edit:a", "v0").keep("y = 2");
  edits.stop("y = 2");
  assert.deepEqual(edits.recall(), { source: "y = 2", current: false, stopped: true });
});

test("forgetting removes the edit", () => {
  const store = memory();
  const edits = new SavedEdits(() => store, "edit:a", "v1");
  edits.keep("x = 1");
  edits.keep(null);
  assert.equal(edits.recall(), null);
  assert.equal(store.items.size, 0);
});

test("what is not an edit of ours reads as nothing", () => {
  const store = memory();
  const edits = new SavedEdits(() => store, "edit:a", "v1");
  for (const stored of ["{not json", "42", "null", '{"version":"v1"}', '{"source":7}', '"x"']) {
    store.items.set("edit:a", stored);
    assert.equal(edits.recall(), null, stored);
  }
});

test("storage that is off or full loses nothing and throws nothing", () => {
  const off = new SavedEdits(
    () => {
      throw new DOMException("denied", "SecurityError");
    },
    "edit:a",
    "v1",
  );
  assert.equal(off.recall(), null);
  off.keep("x = 1");
  const full = { ...memory(), setItem: () => { throw new DOMException("full", "QuotaExceededError"); } };
  new SavedEdits(() => full, "edit:a", "v1").keep("x = 1");
});
