// @ts-check
// The essay's service worker: keeps one whole version of the site for offline reading.
//
// The build writes the list of every site file, with its sha256, into MANIFEST below, so a
// new build is a new worker. Each version lives in its own cache (names.js) and is
// only ever served whole: the worker saves every file, checking each against its sha256,
// before it may take over; a file that does not match (the server already has a newer build)
// fails the install, and the next visit tries again. Until a reader reloads, the old version
// keeps serving its own files; when the new one takes over, the old cache is deleted.
//
// Any script of the origin can write into Cache Storage (a reader's Python, through run_js),
// so a saved file is checked against its sha256 each time it is served, and whenever saving
// finds it already there: one that does not match is dropped and fetched again, never served.
//
// Messages: worker -> page  {type: "progress", done, total} (bytes saved), {type: "saved"},
//                           {type: "failed", message}, {type: "damaged"} (a saved file was
//                           altered or lost, and cannot be fetched now);
//           page -> worker  {type: "activate"}.
"use strict";

/** @typedef {{ url: string, sha256: string, size: number }} Entry */
// The build replaces the null; the cast through unknown is only for the checker.
const MANIFEST = /** @type {{ version: string, files: Entry[] }} */ (/** @type {unknown} */ (/*MANIFEST*/null));

const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = offlineCache(MANIFEST.version);
const FILES = new Map(MANIFEST.files.map((file) => [new URL(file.url, SITE_ROOT).href, file]));
// A few files at a time: the reader's own requests always find bandwidth left.
const PARALLEL = 4;

/** @param {Record<string, unknown>} message */
async function tell(message) {
  const pages = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
  pages.forEach((page) => page.postMessage(message));
}

/** @param {ArrayBuffer} bytes */
async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A file the server would not give: for now (a 5xx, 408, 429), or at all (a 404: another build). */
class HTTPError extends Error {
  /** @param {string} url @param {number} status */
  constructor(url, status) {
    super(`${url}: HTTP ${status}`);
    this.passing = status >= 500 || status === 408 || status === 429;
  }
}

// The file's bytes as this build made them: from the HTTP cache if they match (the page has
// just downloaded most of them), else from the server; anything else fails the install.
/** @param {string} url @param {Entry} file @param {AbortSignal} [signal] */
async function verified(url, file, signal) {
  for (const mode of /** @type {RequestCache[]} */ (["default", "reload"])) {
    const response = await fetch(url, { cache: mode, signal });
    if (!response.ok) throw new HTTPError(file.url, response.status);
    // The response itself is kept (as the browser got it), once a copy of it checks out.
    if ((await sha256(await response.clone().arrayBuffer())) === file.sha256) return response;
  }
  throw new Error(`${file.url}: the server has another version of the site`);
}

// What a saved file is served as, by its name: never the headers saved with it, which any
// script of the origin may have written (a type that stops a script, a Refresh to elsewhere).
/** @type {Record<string, string>} */
const TYPES = {
  html: "text/html; charset=utf-8", css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8", mjs: "text/javascript; charset=utf-8",
  json: "application/json", map: "application/json", ipynb: "application/json",
  xml: "application/xml", txt: "text/plain; charset=utf-8", py: "text/x-python; charset=utf-8",
  svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif",
  webp: "image/webp", ico: "image/x-icon", woff2: "font/woff2", woff: "font/woff",
  wasm: "application/wasm", zip: "application/zip", whl: "application/zip", gz: "application/gzip",
};
/** @param {string} url */
const typeOf = (url) => TYPES[url.slice(url.lastIndexOf(".") + 1)] ?? "application/octet-stream";

// A saved response, if its bytes are the build's: as a new response (its body can be read
// once, and is, to hash it) of its type, else null. Hashing the 10 MB runtime takes about
// 10 ms (Node's WebCrypto here; a slow phone, a few times that), a small price beside
// serving someone else's file for ever.
/** @param {Response} saved @param {Entry} file */
async function asBuilt(saved, file) {
  const bytes = await saved.arrayBuffer();
  if ((await sha256(bytes)) !== file.sha256) return null;
  return new Response(bytes, { headers: { "Content-Type": typeOf(file.url) } });
}

async function save() {
  const cache = await caches.open(CACHE);
  const total = MANIFEST.files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const queue = [...FILES];
  const stop = new AbortController();
  const next = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [url, file] = item;
      // A file found already saved (an earlier attempt, or a script) is kept only if it matches.
      const saved = await cache.match(url);
      if (!saved || !(await asBuilt(saved, file))) await cache.put(url, await verified(url, file, stop.signal));
      done += file.size;
      await tell({ type: "progress", done, total });
    }
  };
  const downloads = Array.from({ length: PARALLEL }, next);
  try {
    await Promise.all(downloads);
  } catch (error) {
    // One file failed, so this version is not whole yet: the other downloads stop (a stalled
    // one too), and "failed" is the last word the pages hear, not a late "progress". If the
    // network or the server failed for now, what was saved stays for the next attempt (checked
    // again then); anything else (another build on the server, no room left) and this version goes.
    queue.length = 0;
    stop.abort();
    await Promise.allSettled(downloads);
    const passing = error instanceof TypeError || (error instanceof HTTPError && error.passing);
    if (!passing) await caches.delete(CACHE);
    await tell({ type: "failed", message: String(/** @type {Error} */ (error).message || error) });
    throw error;
  }
}

sw.addEventListener("install", (event) => event.waitUntil(save()));

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Only this site's older copies: other sites on the origin keep theirs.
      await deleteOwnCaches({ offline: true, figures: false }, CACHE);
      // A first visit's pages start using the saved copy at once; it is the same version.
      await sw.clients.claim();
      await tell({ type: "saved" });
    })(),
  );
});

// The reader asked for the new version: take over now (the page then reloads).
sw.addEventListener("message", (event) => {
  if (event.data && event.data.type === "activate") sw.skipWaiting();
});

// The site's own files from the saved version; everything else as usual.
/** @param {URL} url */
function key(url) {
  const path = new URL(url.pathname, url.origin).href;
  return path.endsWith("/") ? `${path}index.html` : path;
}

// What a page gets instead of a saved file that is damaged, while the server is out of reach.
const DAMAGED = "The saved copy of this file is damaged; it will be saved again when you are online.";

// A saved file only as built. One altered (or lost: this version was saved whole) is dropped,
// fetched again, checked and saved again. If it cannot be, the page gets the server's own
// file (the server has another build by now) or, offline, an error, never the altered bytes;
// offline, the pages are told.
/** @param {Request} request @param {string} url @param {Entry} file */
async function answer(request, url, file) {
  // match and has, not open: opening would create the cache again after a retiring worker
  // deleted it.
  const saved = await caches.match(url, { cacheName: CACHE });
  const built = saved && (await asBuilt(saved, file));
  if (built) return built;
  if (!(await caches.has(CACHE))) return fetch(request);
  const cache = await caches.open(CACHE);
  await cache.delete(url);
  try {
    const response = await verified(url, file);
    await cache.put(url, response.clone());
    return response;
  } catch {
    return fetch(request).catch(async () => {
      await tell({ type: "damaged" });
      return new Response(DAMAGED, { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  }
}

sw.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const url = key(new URL(event.request.url));
  const file = FILES.get(url);
  if (file) event.respondWith(answer(event.request, url, file));
});
