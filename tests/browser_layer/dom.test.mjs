// @ts-check
// Downloads (src/essay_site/figures/browser/dom.js): the file's address outlives the click.
import assert from "node:assert/strict";
import { afterEach, mock, test } from "node:test";

import { KEEP_DOWNLOAD_MS, save } from "../../src/essay_site/figures/browser/dom.js";

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
  delete /** @type {any} */ (globalThis).document;
});

test("a download's address is kept until the browser has had time to start it", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  /** @type {string[]} */
  const clicks = [];
  globalThis.document = /** @type {any} */ ({
    createElement: () => /** @type {HTMLAnchorElement} */ ({ click() { clicks.push(this.href); } }),
  });
  mock.method(URL, "createObjectURL", () => "blob:figure");
  const revoke = mock.method(URL, "revokeObjectURL", () => {});
  save(new Blob(["x = 1"]), "figure.py");
  assert.deepEqual(clicks, ["blob:figure"]);
  assert.equal(revoke.mock.callCount(), 0, "not revoked as the click returns");
  mock.timers.tick(KEEP_DOWNLOAD_MS - 1);
  assert.equal(revoke.mock.callCount(), 0);
  mock.timers.tick(1);
  assert.deepEqual(revoke.mock.calls[0].arguments, ["blob:figure"]);
});
