// @ts-check
// Written as sw.js while an author previews the site (`mkdocs serve`) or when offline reading
// is turned off: a worker a browser kept from an earlier visit is replaced by this one, which
// deletes this site's saved copies (and its Python memory snapshot) and unregisters itself, so
// no stale page is ever shown. Other sites on the same origin keep theirs (names.js).
"use strict";

const retiring = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

retiring.addEventListener("install", () => retiring.skipWaiting());

retiring.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      await deleteOwnCaches({ offline: true, figures: true });
      await retiring.registration.unregister();
    })(),
  );
});
