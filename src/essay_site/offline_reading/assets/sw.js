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
// Messages: worker -> page  {type: "progress", done, total} (bytes saved), {type: "saved"},
//                           {type: "failed", message};  page -> worker  {type: "activate"}.
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

// The file's bytes as this build made them: from the HTTP cache if they match (the page has
// just downloaded most of them), else from the server; anything else fails the install.
/** @param {string} url @param {Entry} file @param {AbortSignal} signal */
async function verified(url, file, signal) {
  for (const mode of /** @type {RequestCache[]} */ (["default", "reload"])) {
    const response = await fetch(url, { cache: mode, signal });
    if (!response.ok) throw new Error(`${file.url}: HTTP ${response.status}`);
    // The response itself is kept (as the browser got it), once a copy of it checks out.
    if ((await sha256(await response.clone().arrayBuffer())) === file.sha256) return response;
  }
  throw new Error(`${file.url}: the server has another version of the site`);
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
      if (!(await cache.match(url))) await cache.put(url, await verified(url, file, stop.signal));
      done += file.size;
      await tell({ type: "progress", done, total });
    }
  };
  const downloads = Array.from({ length: PARALLEL }, next);
  try {
    await Promise.all(downloads);
  } catch (error) {
    // One file failed, so this version cannot be whole: the other downloads stop (a stalled
    // one too), and "failed" is the last word the pages hear, not a late "progress".
    queue.length = 0;
    stop.abort();
    await Promise.allSettled(downloads);
    await caches.delete(CACHE);
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

sw.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  const url = key(new URL(event.request.url));
  if (!FILES.has(url)) return;
  // match, not open: opening would create the cache again after a retiring worker deleted it.
  event.respondWith(caches.match(url, { cacheName: CACHE }).then((saved) => saved || fetch(event.request)));
});
