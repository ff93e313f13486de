// @ts-check
// The download's archive (src/essay_site/figures/browser/takeaway.js). That it unpacks and runs
// under CPython is tested from the page, in tests/test_takeaway.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import { crc32, notebook, zip } from "../../src/essay_site/figures/browser/takeaway.js";

test("the CRC is zip's own (CRC-32 of '123456789' is cbf43926)", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

test("an archive lists each file once, at the offset of its own header", async () => {
  /** @type {[string, Protocol.Bytes][]} */
  const files = [["a/x.py", new TextEncoder().encode("x = 1\n")], ["a/é.txt", new Uint8Array([1, 2])]];
  const bytes = new Uint8Array(await zip(files).arrayBuffer());
  const view = new DataView(bytes.buffer);
  const end = bytes.length - 22;
  assert.equal(view.getUint32(end, true), 0x06054b50);
  assert.equal(view.getUint16(end + 10, true), 2);
  let at = view.getUint32(end + 16, true);
  for (const [path, data] of files) {
    assert.equal(view.getUint32(at, true), 0x02014b50);
    const local = view.getUint32(at + 42, true);
    assert.equal(view.getUint32(local, true), 0x04034b50);
    const length = view.getUint16(local + 26, true);
    assert.equal(new TextDecoder().decode(bytes.slice(local + 30, local + 30 + length)), path);
    assert.deepEqual(bytes.slice(local + 30 + length, local + 30 + length + data.length), data);
    at += 46 + view.getUint16(at + 28, true);
  }
});

test("the notebook's first cell shows the figure", () => {
  const book = JSON.parse(notebook("dice"));
  assert.equal(book.nbformat, 4);
  assert.equal(book.cells[0].cell_type, "code");
  assert.match(book.cells[0].source.join(""), /show\(\)$/);
});
