// @ts-check
// The service worker's rules for what it serves (src/essay_site/offline_reading/assets/sw.js):
// a saved file only as built, checked against the manifest's sha256 each time. Its source is
// run as the build writes it (names.js, then sw.js with MANIFEST filled in, as plugin.py
// does), against a fake worker scope, Cache Storage and server; the hashes are Node's
// WebCrypto, the one a browser's worker has.
import assert from "node:assert/strict";
import { test } from "node:test";

// node:fs, which tests/browser_layer/node.d.ts leaves out: a name tsc does not follow, typed here.
/** @type {{ readFileSync: (path: URL, encoding: "utf-8") => string }} */
const { readFileSync } = await import(`node:${"fs"}`);

const ASSETS = new URL("../../src/essay_site/offline_reading/assets/", import.meta.url);
const ROOT = "https://reader.example/essay/";
/** The built site: a page and a script. */
const SITE = { "index.html": "<h1>Built</h1>", "assets/figures/figures.js": "console.log('built');" };
const ALTERED = "<h1>Altered</h1>";

/** @param {string} text */
async function entry(text) {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return { sha256: [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join(""), size: bytes.length };
}
const files = await Promise.all(Object.entries(SITE).map(async ([url, text]) => ({ url, ...(await entry(text)) })));
const MANIFEST = { version: "v1", files };
const CACHE = "offline-reading /essay/ v1";

/** Cache Storage as a worker sees it: each match is a new response, as a browser's is. */
class FakeCaches {
  constructor() {
    /** @type {Map<string, Map<string, { body: ArrayBuffer, headers: [string, string][] }>>} */
    this.stores = new Map();
    /** Whether the browser has no room left for another file. */
    this.full = false;
  }

  /** @param {string} name */
  async open(name) {
    if (!this.stores.has(name)) this.stores.set(name, new Map());
    const store = /** @type {Map<string, { body: ArrayBuffer, headers: [string, string][] }>} */ (this.stores.get(name));
    return {
      match: async (/** @type {string} */ url) => {
        const saved = store.get(url);
        return saved && new Response(saved.body, { headers: saved.headers });
      },
      put: async (/** @type {string} */ url, /** @type {Response} */ response) => {
        if (this.full) throw new DOMException("no room left", "QuotaExceededError");
        store.set(url, { body: await response.arrayBuffer(), headers: [...response.headers] });
      },
      delete: async (/** @type {string} */ url) => store.delete(url),
      keys: async () => [...store.keys()].map((url) => ({ url })),
    };
  }

  /** @param {string} url @param {{ cacheName: string }} options */
  async match(url, { cacheName }) {
    return this.stores.has(cacheName) ? (await this.open(cacheName)).match(url) : undefined;
  }

  /** @param {string} name */
  async has(name) {
    return this.stores.has(name);
  }

  /** @param {string} name */
  async delete(name) {
    return this.stores.delete(name);
  }

  async keys() {
    return [...this.stores.keys()];
  }

  /** What a cache holds for a file, as text (undefined if nothing). @param {string} path */
  async text(path) {
    const saved = await this.match(ROOT + path, { cacheName: CACHE });
    return saved && saved.text();
  }
}

/** The worker's scope with its own fakes; offline, every fetch fails as a browser's does. */
function worker() {
  const caches = new FakeCaches();
  /** @type {Record<string, any>[]} */
  const told = [];
  /** @type {string[]} */
  const fetched = [];
  /** @type {Map<string, Function>} */
  const listeners = new Map();
  /** @type {{ online: boolean, site: Record<string, string>, unreachable: Set<string>, status: Map<string, number> }} */
  const network = { online: true, site: { ...SITE }, unreachable: new Set(), status: new Map() };
  const self = {
    location: { href: `${ROOT}sw.js` },
    clients: { matchAll: async () => [{ postMessage: (/** @type {any} */ message) => told.push(message) }] },
    addEventListener: (/** @type {string} */ type, /** @type {Function} */ listener) => listeners.set(type, listener),
    skipWaiting: () => {},
  };
  const fetch = async (/** @type {string | { url: string }} */ request) => {
    const url = typeof request === "string" ? request : request.url;
    if (!network.online || network.unreachable.has(url)) throw new TypeError("Failed to fetch");
    fetched.push(url);
    const status = network.status.get(url);
    if (status) return new Response("", { status });
    const text = network.site[/** @type {keyof SITE} */ (url.slice(ROOT.length))];
    if (text === undefined) return new Response("", { status: 404 });
    return new Response(text, { headers: { "Content-Type": "text/html" } });
  };
  // As the build writes it (plugin.py's MARK): names.js first, then the worker, its list filled in.
  const mark = "(/*MANIFEST*/null)";
  const [names, sw] = ["names.js", "sw.js"].map((name) => readFileSync(new URL(name, ASSETS), "utf-8"));
  const source = `${names}\n${sw}`;
  assert.ok(source.includes(mark));
  const filled = source.replace(mark, `(/*MANIFEST*/${JSON.stringify(MANIFEST)})`);
  const run = new Function("self", "caches", "fetch", "crypto", `${filled}\nreturn { save };`);
  const { save } = run(self, caches, fetch, crypto);

  /** What the worker answers a page's GET of ``path``. @param {string} path */
  async function get(path) {
    /** @type {Promise<Response> | undefined} */
    let answer;
    const event = { request: { method: "GET", url: ROOT + path }, respondWith: (/** @type {any} */ r) => (answer = r) };
    listeners.get("fetch")?.(event);
    assert.ok(answer, `the worker answers ${path}`);
    return answer;
  }

  /**
   * Another script of the origin writes into the saved copy.
   * @param {string} path @param {string} text @param {Record<string, string>} [headers]
   */
  async function alter(path, text, headers = {}) {
    await (await caches.open(CACHE)).put(ROOT + path, new Response(text, { headers }));
  }

  return { caches, told, fetched, network, save: /** @type {() => Promise<void>} */ (save), get, alter };
}

/** A worker whose version is saved whole, as after its install. */
async function saved() {
  const scope = worker();
  await scope.save();
  scope.fetched.length = 0;
  scope.told.length = 0;
  return scope;
}

test("a saved file is served as built, and an altered one is dropped and fetched again online", async () => {
  const scope = await saved();
  const page = await scope.get("");
  assert.equal(await page.text(), SITE["index.html"]);
  assert.equal(page.headers.get("Content-Type"), "text/html; charset=utf-8");
  assert.deepEqual(scope.fetched, [], "a file that checks out is not downloaded");

  await scope.alter("index.html", ALTERED);
  const again = await scope.get("index.html");
  assert.equal(again.status, 200);
  assert.equal(await again.text(), SITE["index.html"], "never the altered file");
  assert.deepEqual(scope.fetched, [`${ROOT}index.html`]);
  assert.equal(await scope.caches.text("index.html"), SITE["index.html"], "saved again as built");
  assert.deepEqual(scope.told, []);
});

test("offline, an altered file is never served: an error, the pages are told, and online it is saved again", async () => {
  const scope = await saved();
  await scope.alter("assets/figures/figures.js", "document.body.append('altered')");
  scope.network.online = false;
  const answer = await scope.get("assets/figures/figures.js");
  assert.equal(answer.status, 503);
  assert.doesNotMatch(await answer.text(), /altered/);
  assert.equal(await scope.caches.text("assets/figures/figures.js"), undefined, "dropped from the copy");
  assert.deepEqual(
    scope.told.map((message) => message.type),
    ["damaged"],
  );
  // Still offline, the page asks again: the same error, never a network failure of its own.
  assert.equal((await scope.get("assets/figures/figures.js")).status, 503);

  // The next visit online: the file is fetched, checked and saved again.
  scope.network.online = true;
  assert.equal(await (await scope.get("assets/figures/figures.js")).text(), SITE["assets/figures/figures.js"]);
  assert.equal(await scope.caches.text("assets/figures/figures.js"), SITE["assets/figures/figures.js"]);
});

test("when the server has another build, an altered file is not served either: the server's is", async () => {
  const scope = await saved();
  await scope.alter("index.html", ALTERED);
  scope.network.site["index.html"] = "<h1>Next build</h1>";
  assert.equal(await (await scope.get("index.html")).text(), "<h1>Next build</h1>");
  assert.equal(await scope.caches.text("index.html"), undefined, "another build's file is not saved as this one's");
});

test("saving checks a file it finds already saved, and keeps it only if it matches", async () => {
  const scope = worker();
  // Put there before the worker installs (the cache's name is in its source): by a script,
  // or an earlier install of this version.
  await scope.alter("index.html", ALTERED);
  await scope.alter("assets/figures/figures.js", SITE["assets/figures/figures.js"]);
  await scope.save();
  assert.equal(await scope.caches.text("index.html"), SITE["index.html"]);
  assert.deepEqual(scope.fetched, [`${ROOT}index.html`], "the matching file is kept as it is");
  assert.deepEqual(
    scope.told.map((message) => message.type),
    ["progress", "progress"],
  );
});

test("a saved file is served as its type, never with headers a script saved with it", async () => {
  const scope = await saved();
  // The built bytes, but headers that would stop the script, or take the reader elsewhere.
  const hostile = { "Content-Type": "text/plain", "X-Content-Type-Options": "nosniff", Refresh: "0; url=https://elsewhere.example/" };
  await scope.alter("assets/figures/figures.js", SITE["assets/figures/figures.js"], hostile);
  const answer = await scope.get("assets/figures/figures.js");
  assert.equal(await answer.text(), SITE["assets/figures/figures.js"]);
  assert.deepEqual([...answer.headers], [["content-type", "text/javascript; charset=utf-8"]]);
});

test("a save the network or server cuts short keeps what it saved; the next fetches only the rest", async () => {
  const script = `${ROOT}assets/figures/figures.js`;
  /** @type {[RegExp, (scope: ReturnType<typeof worker>) => void][]} */
  const failures = [
    [/Failed to fetch/, (scope) => scope.network.unreachable.add(script)],
    [/HTTP 503/, (scope) => scope.network.status.set(script, 503)],
  ];
  for (const [said, failure] of failures) {
    const scope = worker();
    failure(scope);
    await assert.rejects(scope.save(), said);
    assert.equal(scope.told.at(-1)?.type, "failed");
    assert.equal(await scope.caches.text("index.html"), SITE["index.html"], `kept for the next attempt after ${said}`);
    scope.network.unreachable.clear();
    scope.network.status.clear();
    scope.fetched.length = 0;
    await scope.save();
    assert.deepEqual(scope.fetched, [script]);
    assert.equal(await scope.caches.text("assets/figures/figures.js"), SITE["assets/figures/figures.js"]);
  }
});

test("a save that fails but for the network keeps nothing: another build, no room left", async () => {
  /** @type {[RegExp, (scope: ReturnType<typeof worker>) => void][]} */
  const failures = [
    [/another version of the site/, (scope) => (scope.network.site["assets/figures/figures.js"] = "next build")],
    [/HTTP 404/, (scope) => delete scope.network.site["assets/figures/figures.js"]],
    [/no room/, (scope) => (scope.caches.full = true)],
  ];
  for (const [said, failure] of failures) {
    const scope = worker();
    failure(scope);
    await assert.rejects(scope.save(), said);
    assert.equal(await scope.caches.has(CACHE), false, `kept after ${said}`);
  }
});
