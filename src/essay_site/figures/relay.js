// @ts-check
// The sandbox's one script (in the page's <template data-sandbox>, allowed by its hash). The page
// that framed it sends the Python worker's code first: the worker starts from those bytes (a
// blob, under this page's policy, which lets nothing out). Then messages pass both ways; only
// the framing page is heard.
"use strict";

(() => {
  /** @type {Worker | null} */
  let worker = null;
  addEventListener("message", ({ source, data }) => {
    if (source !== parent) return;
    if (worker) {
      // A boot's files move on to the worker as they came, not copied again (sandbox.js).
      worker.postMessage(data, data?.type === "boot" ? Object.values(data.data.files ?? {}) : []);
      return;
    }
    worker = new Worker(URL.createObjectURL(new Blob([data], { type: "text/javascript" })), { type: "classic" });
    // (Classic: a module worker from a blob fails in an opaque origin; its imports work.)
    worker.onmessage = (event) => parent.postMessage(event.data, "*");
    worker.onerror = (event) => {
      event.preventDefault();
      const message = `the sandbox's worker failed (${event.message || "script error"}).`;
      parent.postMessage({ type: "error", data: { message, detail: "" } }, "*");
    };
  });
})();
