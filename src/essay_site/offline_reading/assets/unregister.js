// @ts-check
// Written as sw.js while an author previews the site (`mkdocs serve`) or when offline reading
// is turned off: a worker a browser kept from an earlier visit is replaced by this one, which
// deletes the saved copies (and the Python memory snapshot) and unregisters itself, so no
// stale page is ever shown.
"use strict";

const retiring = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

retiring.addEventListener("install", () => retiring.skipWaiting());

retiring.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
      await retiring.registration.unregister();
    })(),
  );
});
