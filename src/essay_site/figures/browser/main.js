// @ts-check
// The generic browser layer of every figure, started in named steps: read what the build
// handed over, wait for the page, then either say why the figures stay pictures (a page
// opened from disk) or start Python and hand it the figures. No figure has code of its own.
//
// Bundled by esbuild at build time into one classic script, assets/figures/figures.js
// (figures/bundle.py), loaded from <head> on pages with figures. The DOM contract and the
// worker protocol are described in ARCHITECTURE.md and typed in ../protocol.d.ts.

import { Bridge } from "./bridge.js";
import { Figure } from "./figure.js";
import { Router, Sandbox } from "./sandbox.js";

// 1. What the build wrote onto this script: the contract, the sizes, the timeouts.
function readSettings() {
  // A classic (deferred) <script>, so currentScript is set while this first runs.
  const script = /** @type {HTMLScriptElement} */ (document.currentScript);
  const { dataset } = script;
  const assets = new URL("./", script.src);
  const contract = /** @type {Protocol.Contract} */ (JSON.parse(/** @type {string} */ (dataset.contract)));
  // Every name this site stores under in the browser starts so (see ARCHITECTURE.md).
  const storage = `figures ${new URL(contract.root, assets).pathname} `;
  // The site's Python files: the worker imports them, a download and a link's diff read them.
  const modules = new URL(contract.modules, assets);
  return {
    assets,
    modules,
    contract,
    storage,
    boot: {
      indexURL: new URL(contract.runtime, assets).href,
      moduleURL: modules.href,
      shared: contract.shared,
      package: contract.package,
      // What the runtime downloads (file name -> bytes), for byte progress.
      sizes: /** @type {Record<string, number>} */ (JSON.parse(dataset.sizes || "{}")),
      snapshots: `${storage}snapshot ${contract.pyodide}`,
      timeout: Number(dataset.timeout) || 60,
    },
    busySeconds: Number(dataset.busyTimeout) || 180,
    renderSeconds: Number(dataset.renderTimeout) || 5,
    runSeconds: Number(dataset.runTimeout) || 20,
  };
}

// 2. The page parsed: DOMContentLoaded, which follows a deferred script such as this one.
function parsed() {
  const [navigation] = /** @type {PerformanceNavigationTiming[]} */ (performance.getEntriesByType("navigation"));
  return document.readyState === "complete" || (navigation?.domContentLoadedEventEnd ?? 0) > 0
    ? Promise.resolve()
    : new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
}

// 3a. Opened from disk (file://), a page may not start workers: the figures stay as built,
// and one notice says how to see them live.
/** @param {Protocol.Contract["classes"]} classes */
function explainFromDisk(classes) {
  const notice = document.createElement("div");
  notice.className = `admonition info ${classes.fileNotice}`;
  notice.setAttribute("role", "note");
  notice.innerHTML =
    '<p class="admonition-title">The figures are pictures here</p>' +
    "<p>This page was opened from a file, where browsers do not run the Python behind " +
    "its figures: each shows the picture it was built with. To make them live, serve " +
    "this folder over http, for example with <code>python3 -m http.server</code> in it, " +
    "then open <code>http://localhost:8000/</code>; or read the published site.</p>";
  document.querySelector("[data-widget]")?.before(notice);
}

// 3b. Python in a module worker, and every figure of the page handed to it; code that is not
// the site's, in a sandbox of its figure's own (sandbox.js).
/** @param {ReturnType<typeof readSettings>} settings */
function goLive(settings) {
  const worker = new URL("worker.js", settings.assets).href;
  const template = /** @type {HTMLTemplateElement} */ (document.querySelector("template[data-sandbox]"));
  /** @param {() => Worker} createWorker @param {boolean} sandboxed */
  const bridge = (createWorker, sandboxed) =>
    new Bridge({
      createWorker,
      sandboxed,
      boot: settings.boot,
      busySeconds: settings.busySeconds,
      renderSeconds: settings.renderSeconds,
      runSeconds: settings.runSeconds,
    });
  const shared = bridge(() => new Worker(worker, { type: "module" }), false);
  const router = new Router(shared, (client) =>
    // Not a Worker, but all of one the bridge uses.
    bridge(() => /** @type {Worker} */ (/** @type {unknown} */ (new Sandbox({ template, worker, spec: client.spec() }))), true),
  );
  const roots = /** @type {HTMLElement[]} */ ([...document.querySelectorAll("[data-widget]")]);
  shared.start(roots.map((root) => new Figure(root, router, settings)));
}

const settings = readSettings();
if (location.protocol === "file:") parsed().then(() => explainFromDisk(settings.contract.classes));
// Python boots once the page is parsed and the theme has set itself up (the timeout lets
// every DOMContentLoaded listener run first): booting beside them slows both on a small CPU
// (the bench's blocking time until live: 109 ms started at once, 32 ms after).
else parsed().then(() => setTimeout(() => goLive(settings), 0));
