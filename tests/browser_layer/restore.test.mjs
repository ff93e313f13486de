// @ts-check
// Whether a stored memory snapshot may be restored (src/essay_site/figures/assets/restore.js):
// each way a stored one can be wrong, against a fake Cache, no browser, no Python. What only
// Pyodide can tell (another build's snapshot) is tested in Chromium, with one of these end to
// end (tests/test_offline_reading.py::test_a_bad_snapshot_means_a_normal_boot). A sandbox's
// worker is handed the snapshot under the same rule, read by the page (sandbox.js's gather),
// and moved into the sandbox's frame with the other files, not copied.
import assert from "node:assert/strict";
import { afterEach, mock, test } from "node:test";

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { handOnce, readSnapshot, snapshotKey, trying } from "../../src/essay_site/figures/assets/restore.js";
import { gather, Sandbox } from "../../src/essay_site/figures/browser/sandbox.js";

const RUNTIME = "https://reader.example/essay/assets/pyodide/";
const KEY = snapshotKey(RUNTIME);
const DAMAGED = "The memory snapshot is damaged; starting Python afresh.";
const NOT_OURS = "The memory snapshot is not the one this browser made; starting Python afresh.";
/** The smallest memory Pyodide 0.27's interpreter has, and the mark its snapshots start with. */
const SMALLEST = 20 * 2 ** 20;
const MARK = 0x706e7300;

// V8's own full collection: exposed to contexts made after the flag is set.
setFlagsFromString("--expose-gc");
const collectGarbage = /** @type {() => void} */ (runInNewContext("gc"));

/** Snapshot-like bytes: Pyodide's mark (in the platform's order, as Pyodide writes it), then memory. */
function snapshot(size = SMALLEST + 16, mark = MARK) {
  const bytes = new Uint8Array(size);
  new Uint32Array(bytes.buffer, 0, 1)[0] = mark;
  bytes[size - 1] = 7;
  return bytes;
}

/** @param {Uint8Array<ArrayBuffer>} bytes */
async function hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A Cache holding `bytes` under KEY as snapshot.js stores them (their length and sha256 in
 * headers) unless told otherwise, and the mark of a try that never finished if `tried`.
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {{ length?: string, sha256?: string | null, tried?: boolean }} [wrong]
 */
async function stored(bytes, { length = String(bytes.length), sha256, tried = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = { "X-Snapshot-Length": length };
  const digest = sha256 === undefined ? await hex(bytes) : sha256;
  if (digest !== null) headers["X-Snapshot-SHA256"] = digest;
  /** @type {Map<string, () => Response>} */
  const entries = new Map([[KEY, () => new Response(bytes, { headers })]]);
  if (tried) entries.set(trying(KEY), () => new Response(""));
  return { match: async (/** @type {RequestInfo | URL} */ key) => entries.get(String(key))?.() };
}

/**
 * What readSnapshot answered, short enough for an assertion's message (a snapshot is 20 MiB).
 * @param {Uint8Array<ArrayBuffer> | string | null} answer
 */
const read = async (answer) => (answer instanceof Uint8Array ? `sha256 ${await hex(answer)}` : answer);

test("a snapshot stored as this browser made it is restored, byte for byte", async () => {
  const bytes = snapshot();
  assert.equal(await read(await readSnapshot(await stored(bytes), KEY)), `sha256 ${await hex(bytes)}`);
});

test("with none stored there is nothing to restore and nothing to say", async () => {
  assert.equal(await readSnapshot({ match: async () => undefined }, KEY), null);
});

/** @type {[string, () => Promise<Pick<Cache, "match">>][]} */
const DAMAGES = [
  ["a few bytes", () => stored(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))],
  ["cut short of the recorded length", () => stored(snapshot(), { length: String(2 * SMALLEST) })],
  ["with no recorded length", () => stored(snapshot(), { length: "" })],
  ["smaller than any interpreter's memory", () => stored(snapshot(SMALLEST - 16))],
  ["not in whole 4-byte words", () => stored(snapshot(SMALLEST + 15))],
  ["without Pyodide's mark", () => stored(snapshot(SMALLEST + 16, 0))],
  ["left by a boot from it that never ended", () => stored(snapshot(), { tried: true })],
];
for (const [how, cache] of DAMAGES) {
  test(`one ${how} is damaged, and not restored`, async () => {
    assert.equal(await read(await readSnapshot(await cache(), KEY)), DAMAGED);
  });
}

test("a whole one whose sha256 is not the one recorded is not this browser's", async () => {
  const tampered = await stored(snapshot(), { sha256: "0".repeat(64) });
  assert.equal(await read(await readSnapshot(tampered, KEY)), NOT_OURS);
  const unsigned = await stored(snapshot(), { sha256: null });
  assert.equal(await read(await readSnapshot(unsigned, KEY)), NOT_OURS);
  const altered = snapshot();
  const recorded = await hex(altered);
  altered[4] = 1; // a byte changed after snapshot.js recorded its sha256
  const answer = await readSnapshot(await stored(altered, { sha256: recorded }), KEY);
  assert.equal(await read(answer), NOT_OURS);
});

test("a snapshot is handed to Pyodide once, and not held after (Pyodide keeps its options)", async () => {
  const once = handOnce(snapshot()); // as loadPyodide keeps it, in its options
  const handed = new WeakRef(await once); // as loadPyodide reads it: `await options._loadSnapshot`
  assert.equal(handed.deref()?.byteLength, SMALLEST + 16);
  await assert.rejects(async () => await once, /The snapshot was handed over already/);
  await new Promise(setImmediate); // a WeakRef holds its target until the current job ends
  collectGarbage();
  // (ok, not equal: a failure would print 20 MiB of bytes.)
  assert.ok(handed.deref() === undefined, "the bytes were let go, though `once` is still held");
  assert.ok(once);
});

// A sandbox's boot, as the page sends it, and its figure; the files it names are fetched.
const SNAPSHOTS = "figures /essay/ snapshot 0.27.7";
/** @type {Protocol.ToWorker["boot"]} */
const BOOT = {
  indexURL: RUNTIME,
  moduleURL: "https://reader.example/essay/assets/figures/py/",
  shared: ["widgets/__init__.py"],
  package: "widgets",
  sizes: { "pyodide.asm.wasm": 4 },
  timeout: 60,
  snapshots: SNAPSHOTS,
};
/** @type {Protocol.FigureSpec} */
const SPEC = { id: "figure-a", widget: "a", placement: "", packages: [], files: [] };

/**
 * Cache Storage holding `cache` as this site's snapshots (none if null), recording what is
 * asked of it.
 * @param {Pick<Cache, "match"> | null} cache
 */
function storage(cache) {
  const asked = /** @type {string[]} */ ([]);
  const caches = {
    has: async (/** @type {string} */ name) => (asked.push(`has ${name}`), cache !== null && name === SNAPSHOTS),
    open: async (/** @type {string} */ name) => (asked.push(`open ${name}`), cache),
    delete: async (/** @type {string} */ name) => (asked.push(`delete ${name}`), true),
  };
  globalThis.caches = /** @type {any} */ (caches);
  return asked;
}

/** A fetch that answers every file with bytes naming it. */
const serveFiles = () =>
  mock.method(globalThis, "fetch", async (/** @type {string} */ url) => new Response(`bytes of ${url}`));

/** The files gathered for BOOT and SPEC, each by its bytes' sha256 (a snapshot is 20 MiB). */
async function gathered() {
  serveFiles();
  const files = await gather(BOOT, SPEC);
  const read = Object.entries(files).map(async ([url, bytes]) => [url, await hex(new Uint8Array(bytes))]);
  return Object.fromEntries(await Promise.all(read));
}

afterEach(() => {
  mock.restoreAll();
  for (const name of ["caches", "document", "addEventListener"]) delete /** @type {any} */ (globalThis)[name];
});

test("a sandbox is handed this browser's snapshot, as the site's worker would restore it", async () => {
  const bytes = snapshot();
  const asked = storage(await stored(bytes));
  const files = await gathered();
  assert.equal(files[KEY], await hex(bytes));
  assert.equal(Object.keys(files).length, 6, Object.keys(files).join(", ")); // runtime 3, modules 2
  assert.deepEqual(asked, [`has ${SNAPSHOTS}`, `open ${SNAPSHOTS}`]);
});

test("a snapshot that may not be restored is not handed over, and left for the site's worker", async () => {
  const asked = storage(await stored(snapshot(), { tried: true }));
  const files = await gathered();
  assert.equal(KEY in files, false);
  assert.equal(Object.keys(files).length, 5, Object.keys(files).join(", "));
  assert.deepEqual(asked, [`has ${SNAPSHOTS}`, `open ${SNAPSHOTS}`]); // nothing deleted
});

test("with no snapshots' cache none is handed over, and none is made by looking", async () => {
  const asked = storage(null);
  assert.equal(KEY in (await gathered()), false);
  assert.deepEqual(asked, [`has ${SNAPSHOTS}`]);
});

test("without Cache Storage (no secure context) a sandbox still gets every file it reads", async () => {
  assert.equal(typeof caches, "undefined"); // as Node has none
  assert.equal(Object.keys(await gathered()).length, 5);
});

test("storage that cannot be read costs the sandbox its snapshot, never its start", async () => {
  const refused = async () => {
    throw new DOMException("The operation is insecure.", "SecurityError");
  };
  globalThis.caches = /** @type {any} */ ({ has: refused, open: refused });
  assert.equal(Object.keys(await gathered()).length, 5);
});

test("a sandbox's files are moved into its frame, not copied, the snapshot with them", async () => {
  const bytes = snapshot();
  storage(await stored(bytes));
  serveFiles();
  /** @type {[any, ArrayBuffer[]][]} What the page posted to the frame, and what it handed over. */
  const posted = [];
  /** @type {any[]} What the frame received: a posted message's clone, as a browser makes it. */
  const received = [];
  let loaded = () => {};
  const frame = {
    setAttribute() {},
    addEventListener: (/** @type {string} */ _, /** @type {() => void} */ listener) => (loaded = listener),
    contentWindow: {
      postMessage: (/** @type {any} */ data, /** @type {string} */ _, /** @type {ArrayBuffer[]} */ moved) => {
        posted.push([data, moved]);
        received.push(structuredClone(data, { transfer: moved }));
      },
    },
  };
  Object.assign(globalThis, {
    document: { createElement: () => frame, body: { append: () => loaded() } },
    addEventListener() {},
  });
  const template = /** @type {any} */ ({ dataset: { policy: "default-src 'none'" }, innerHTML: "" });
  const sandbox = new Sandbox({ template, worker: "worker.js", spec: SPEC });
  sandbox.postMessage({ type: "boot", data: BOOT });
  await sandbox.queue;
  const [[code, none], [boot, moved]] = posted;
  // Handed over: the page's buffers are emptied (detached), the frame has the bytes.
  const emptied = moved?.map((buffer) => buffer.byteLength);
  assert.deepEqual(emptied, [0, 0, 0, 0, 0, 0], "runtime 3, modules 2 and the snapshot, moved");
  assert.ok(Object.values(boot.data.files).every((buffer, at) => buffer === moved[at]), "the very files sent");
  assert.equal(code, "bytes of worker.js");
  assert.deepEqual(none, []);
  assert.equal(await hex(new Uint8Array(received[1].data.files[KEY])), await hex(bytes));
  assert.equal(new TextDecoder().decode(received[1].data.files[`${RUNTIME}pyodide.mjs`]), `bytes of ${RUNTIME}pyodide.mjs`);
});
