// @ts-check
// The worker's watch on its downloads (src/essay_site/figures/assets/downloads.js), against a
// fake fetch whose bodies the test feeds and a clock the test moves: no browser, no Python.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

const SECONDS = 6;

/** A response whose body gets a chunk each time the test calls push(), and ends on end(). */
function feed() {
  /** @type {ReadableStreamDefaultController<Uint8Array>} */
  let body;
  const stream = new ReadableStream({ start: (controller) => (body = controller) });
  return {
    response: new Response(stream, { headers: { "Content-Type": "application/wasm" } }),
    push: (/** @type {number} */ bytes) => body.enqueue(new Uint8Array(bytes)),
    end: () => body.close(),
  };
}

/** @type {{ reports: number[][], quiet: number, outcome: string }} */
let watch;
/** @type {ReturnType<typeof feed>} */
let wasm;

beforeEach(async () => {
  mock.timers.enable({ apis: ["setInterval", "Date"] });
  wasm = feed();
  /** @type {Record<string, Response>} */
  const responses = { "a.wasm": wasm.response };
  globalThis.self = /** @type {any} */ ({
    location: { href: "http://site.test/assets/figures/worker.js" },
    fetch: async (/** @type {string} */ url) => responses[/** @type {string} */ (url.split("/").pop())],
  });
  const { watchDownloads } = await import(`../../src/essay_site/figures/assets/downloads.js?${Math.random()}`);
  watch = { reports: [], quiet: 0, outcome: "pending" };
  const broken = watchDownloads(
    { "a.wasm": 1000 },
    SECONDS,
    (/** @type {number} */ loaded, /** @type {number} */ total) => watch.reports.push([loaded, total]),
    () => (watch.quiet += 1),
  );
  broken.catch((/** @type {Error} */ error) => (watch.outcome = error.message));
});

afterEach(() => {
  mock.timers.reset();
  delete /** @type {any} */ (globalThis).self;
});

/** Let the body's reads and the fetch's promises settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Move the clock in ticks of the watch (250 ms), settling after each. @param {number} ms */
async function wait(ms) {
  for (let left = ms; left > 0; left -= 250) {
    mock.timers.tick(250);
    await settle();
  }
}

test("a download with no byte for runtime_timeout is a stalled file, named", async () => {
  await self.fetch("/pyodide/a.wasm");
  wasm.push(100);
  await settle();
  await wait(SECONDS * 1000 - 250);
  assert.equal(watch.outcome, "pending");
  await wait(250);
  assert.equal(watch.outcome, "Python's file a.wasm stopped arriving (nothing for 6 s).");
});

test("every byte that arrives starts the silence afresh", async () => {
  await self.fetch("/pyodide/a.wasm");
  for (let second = 0; second < 3 * SECONDS; second += 1) {
    await wait(1000);
    wasm.push(10);
    await settle();
  }
  assert.equal(watch.outcome, "pending");
});

test("time the worker's thread was busy is the computer's, never the network's", async () => {
  await self.fetch("/pyodide/a.wasm");
  await settle();
  // The thread computes for 20 s (starting Python, say): the next tick comes 20 s late.
  mock.timers.setTime(Date.now() + 20_000);
  await wait(SECONDS * 1000 - 1000);
  assert.equal(watch.outcome, "pending");
  await wait(1000);
  assert.match(watch.outcome, /stopped arriving/, "free time still counts");
});

test("with nothing under way there is no silence to count, and the worker is said to compute", async () => {
  await self.fetch("/pyodide/a.wasm");
  wasm.push(1000);
  wasm.end();
  await settle();
  assert.equal(watch.quiet, 1);
  await wait(3 * SECONDS * 1000);
  assert.equal(watch.outcome, "pending");
});

test("a file that ends short of its size is cut short", async () => {
  await self.fetch("/pyodide/a.wasm");
  wasm.push(400);
  wasm.end();
  await settle();
  assert.equal(watch.outcome, "Python's file a.wasm arrived cut short (400 of 1000 bytes).");
});
