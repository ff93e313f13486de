// @ts-check
// What this site keeps in the browser, by name; the build puts this file in front of sw.js
// and of the retiring worker. An origin may hold many sites (every GitHub Pages project site
// of an account shares one), so each name carries the site's scope, the path of its root,
// and a worker touches only its own site's: its offline copies ("offline-reading <scope>
// <version>") and its figures' memory snapshot ("figures <scope> snapshot <pyodide>").
"use strict";

/** The site's scope: the path of its root, where the worker is (e.g. "/generative-models/"). */
const SITE_ROOT = new URL("./", self.location.href);
const SCOPE = SITE_ROOT.pathname;
/** The name of one saved version of this site. */
const offlineCache = (/** @type {string} */ version) => `offline-reading ${SCOPE} ${version}`;

/**
 * Whether a cache is this site's: named with its scope, or named as builds did before names
 * carried one ("essay-<version>", "pyodide-snapshot") and holding only this site's addresses.
 * @param {string} name
 * @param {{ offline?: boolean, figures?: boolean }} kinds Which of the site's caches count.
 */
async function ownCache(name, { offline = true, figures = true }) {
  if (offline && name.startsWith(`offline-reading ${SCOPE} `)) return true;
  if (figures && name.startsWith(`figures ${SCOPE} `)) return true;
  const legacy = (offline && name.startsWith("essay-")) || (figures && name === "pyodide-snapshot");
  if (!legacy) return false;
  const keys = await (await caches.open(name)).keys();
  return keys.length > 0 && keys.every((request) => request.url.startsWith(SITE_ROOT.href));
}

/**
 * Delete this site's caches of the given kinds, but ``keep``.
 * @param {{ offline?: boolean, figures?: boolean }} kinds
 * @param {string} [keep]
 */
async function deleteOwnCaches(kinds, keep) {
  const names = (await caches.keys()).filter((name) => name !== keep);
  const own = await Promise.all(names.map((name) => ownCache(name, kinds)));
  await Promise.all(names.filter((_, index) => own[index]).map((name) => caches.delete(name)));
}
