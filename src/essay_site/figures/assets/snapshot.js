// @ts-check
// Makes the memory snapshot a returning reader's Python starts from, in the reader's own
// browser (so it always matches the runtime it will be loaded into). Started by the
// figures' worker, once, after its figures are live; a throwaway interpreter is booted bare
// and its memory stored in Cache Storage. Pyodide 0.27's snapshot is undocumented and only
// captures a bare interpreter, which is all a figure needs before its own imports.
//
// Protocol: worker -> this  {indexURL, cache, key};  this -> worker  {saved, bytes?, message?}
// A module worker, as the figures' worker is: Pyodide's loader is imported as a module.

import { sha256 } from "./digest.js";

/** @param {MessageEvent<{ indexURL: string, cache: string, key: string }>} event */
self.onmessage = async ({ data: { indexURL, cache, key } }) => {
  try {
    const { loadPyodide } = /** @type {PyodideLoader} */ (await import(`${indexURL}pyodide.mjs`));
    const bare = await loadPyodide({ indexURL, _makeSnapshot: true });
    const bytes = bare.makeMemorySnapshot();
    // The length travels with it, so a reader of a truncated copy can tell; and its sha256,
    // so only the one this browser made is restored (worker.js). Cache Storage is out of a
    // sandbox's reach (sandbox.js): code that is not the site's can write neither.
    const headers = { "X-Snapshot-Length": String(bytes.byteLength), "X-Snapshot-SHA256": await sha256(bytes) };
    await (await caches.open(cache)).put(key, new Response(bytes, { headers }));
    self.postMessage({ saved: true, bytes: bytes.byteLength });
  } catch (error) {
    self.postMessage({ saved: false, message: String(error) });
  }
  self.close();
};
