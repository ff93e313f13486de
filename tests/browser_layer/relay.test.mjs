// @ts-check
// The sandbox's relay (src/essay_site/figures/relay.js), run as the sandbox's page runs it:
// the first message from the framing page is the worker's code; then it passes messages on,
// a boot's files moved to the worker, not copied again. Fake parent and Worker; no DOM.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const RELAY = readFileSync(new URL("../../src/essay_site/figures/relay.js", import.meta.url), "utf-8");

/** The relay in a context of its own, with the page that framed it and the workers it made. */
function relay() {
  const parent = { posted: /** @type {unknown[]} */ ([]), postMessage: (/** @type {unknown} */ data) => parent.posted.push(data) };
  /** @type {{ code: string, received: any[], moved: ArrayBuffer[][] }[]} */
  const workers = [];
  class Worker {
    /** @param {string} url */
    constructor(url) {
      this.code = url;
      this.received = /** @type {any[]} */ ([]);
      this.moved = /** @type {ArrayBuffer[][]} */ ([]);
      workers.push(this);
    }

    /** As a browser posts: a clone, with what is moved emptied on this side. @param {unknown} data @param {ArrayBuffer[]} moved */
    postMessage(data, moved = []) {
      this.moved.push([...moved]);
      this.received.push(structuredClone(data, { transfer: moved }));
    }
  }
  /** @type {(event: { source: unknown, data: unknown }) => void} */
  let listener = () => {};
  const context = {
    parent,
    Worker,
    Blob,
    URL: { createObjectURL: (/** @type {Blob} */ blob) => `blob of ${blob.size} bytes` },
    addEventListener: (/** @type {string} */ _, /** @type {typeof listener} */ heard) => (listener = heard),
  };
  vm.runInNewContext(RELAY, context);
  return { workers, hear: (/** @type {unknown} */ data, source = /** @type {unknown} */ (parent)) => listener({ source, data }) };
}

test("a boot's files move on to the sandbox's worker; other messages are copied", () => {
  const { workers, hear } = relay();
  hear("the worker's code");
  const files = { "https://reader.example/a.wasm": new Uint8Array([1, 2, 3]).buffer, "https://reader.example/a.py": new ArrayBuffer(2) };
  const boot = { type: "boot", data: { indexURL: "https://reader.example/", files } };
  hear(boot);
  // A figure's helper files are named, not carried: nothing of a start is moved.
  const start = { type: "start", data: { figures: [{ id: "a", widget: "a", placement: "a", packages: [], files: ["b.py"] }] } };
  hear(start);
  assert.equal(workers.length, 1);
  const [worker] = workers;
  assert.equal(worker.code, `blob of ${"the worker's code".length} bytes`);
  assert.deepEqual(worker.moved, [Object.values(files), []], "the boot's files handed over, the start's nothing");
  assert.ok(Object.values(files).every((buffer, at) => buffer === worker.moved[0][at]), "the very files received");
  assert.deepEqual(Object.values(files).map((buffer) => buffer.byteLength), [0, 0], "moved, not copied");
  assert.deepEqual([...new Uint8Array(worker.received[0].data.files["https://reader.example/a.wasm"])], [1, 2, 3]);
  assert.deepEqual(worker.received[1], start);
});

test("only the page that framed the sandbox is heard", () => {
  const { workers, hear } = relay();
  hear("the worker's code", {});
  hear("the worker's code");
  hear({ type: "run", data: { id: "a", source: "", state: {} } }, {});
  assert.equal(workers.length, 1);
  assert.deepEqual(workers[0].received, []);
});
