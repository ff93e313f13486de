// @ts-check
// The Python side of every figure, off the main thread so the page stays smooth. A module
// worker (the page starts it with {type: "module"}): Pyodide's loader is imported as a module.
//
// The messages to and from the page, {type, data} each, are typed in ../protocol.d.ts and
// listed in ARCHITECTURE.md; the page side is ../browser/bridge.js.

import { describe, watchDownloads } from "./downloads.js";
import { handOnce, readSnapshot, snapshotKey, trying } from "./restore.js";

/**
 * essay_site/figures/runner.py, what the worker calls, as imported through Pyodide. `message` may
 * get undefined (a render for an unknown id): Python then raises, and that is reported as the
 * figure's error. `edit` returns runner.Edited.
 * @typedef {PyProxy & {
 *   message(module: PyProxy | undefined, raw: PyProxy): PyProxy,
 *   edit(module: PyProxy | undefined, source: string, raw: PyProxy, placement: string): Edited,
 * }} Runner
 */

/**
 * runner.Edited, read attribute by attribute (Python's None arrives as undefined).
 * @typedef {PyProxy & { ok: boolean, module?: PyProxy, frame?: PyProxy, controls: string,
 *   error: string, line?: number }} Edited
 */

/**
 * Whichever byte arrays a layer of either kind has.
 * @typedef {{ data?: Protocol.Bytes, points?: Protocol.Bytes, fill?: Protocol.Bytes }} LayerBytes
 */

// Pyodide's home folder is on its import path: the figures' package and essay_site/ go here.
const HOME = "/home/pyodide";
let indexURL = "";
let moduleURL = "";
let figuresPackage = ""; // the figures' package, named after their folder (set by boot)
/** @type {Promise<void> | null} */
let booted = null; // Promise of the runtime and the figure API module
// Both set once booted; steps 2 and 3 and render only run after, hence the casts below.
/** @type {PyodideAPI | null} */
let pyodide = null;
/** @type {Runner | null} */
let runner = null;
/** @type {Map<string, PyProxy>} */
const figures = new Map(); // id -> figure module (a PyProxy)
/** @type {Map<string, string>} */
const placements = new Map(); // id -> the placement's name, for the ids of an edit's controls
/** @type {Map<string, Promise<unknown>>} */
const packageLoads = new Map(); // package list -> Promise, so shared packages load once
/** @type {(value?: unknown) => void} */
let firstFrameSent = () => {};
const firstFrame = new Promise((resolve) => (firstFrameSent = resolve));

/** @type {Protocol.Post<Protocol.ToPage>} */
const post = (type, data) => self.postMessage({ type, data });

// A Python file or a data file, by its path under Pyodide's home (e.g. widgets/x.py).
/**
 * @param {string} path
 * @returns {Promise<[string, Uint8Array<ArrayBuffer>]>}
 */
async function fetchFile(path) {
  const url = `${moduleURL}${path}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return [path, new Uint8Array(await response.arrayBuffer())];
}

// A returning reader's interpreter starts from a memory snapshot that their own browser made
// on the first visit (snapshot.js): it skips Python's own start-up, most of a warm boot.
// Anything wrong with it (another build's, damaged) means a normal boot and a new snapshot.
// Named by the page: this site's scope and Pyodide's version (set by boot, before any use).
let snapshots = "";
let wantSnapshot = false;
const REFUSED = "The memory snapshot was refused; starting Python afresh.";

/** @param {string} indexURL */
const loadInterpreter = (indexURL) => async (/** @type {PyodideLoader} */ { loadPyodide }) => {
  const key = snapshotKey(indexURL);
  /** @param {Uint8Array} snapshot */
  const restore = async (snapshot) => {
    const runtime = await loadPyodide({ indexURL, _loadSnapshot: handOnce(snapshot) });
    // The snapshot froze the random module's state: each visit gets fresh randomness.
    runtime.runPython("import random; random.seed()");
    console.info("Python started from this browser's memory snapshot.");
    return runtime;
  };
  // A sandbox (an opaque origin, where even reading `caches` throws) is handed the snapshot the
  // page read and checked, if any (sandbox.js). It can neither mark nor delete it: if refused,
  // it boots as usual, and the site's own worker deals with it on its next boot.
  if (sealed) {
    const handed = sealed[key];
    delete sealed[key]; // else kept for the worker's life; the restore lets go too (handOnce)
    if (handed) {
      try {
        return await restore(new Uint8Array(handed));
      } catch (error) {
        console.warn(REFUSED, error);
      }
    }
    return loadPyodide({ indexURL });
  }
  /** @type {Cache | null} */
  // No Cache API outside a secure context (plain http from a LAN address): boot as usual.
  const cache = typeof caches === "undefined" ? null : await caches.open(snapshots).catch(() => null);
  const snapshot = cache && (await readSnapshot(cache, key));
  if (typeof snapshot === "string") {
    console.warn(snapshot);
    await caches.delete(snapshots);
  } else if (snapshot) {
    try {
      await cache.put(trying(key), new Response(""));
      const runtime = await restore(snapshot);
      await cache.delete(trying(key));
      return runtime;
    } catch (error) {
      console.warn(REFUSED, error);
      await caches.delete(snapshots);
    }
  }
  wantSnapshot = Boolean(cache);
  return loadPyodide({ indexURL });
};

// The throwaway interpreter takes a core for a second or two: it waits until the figures have
// been left alone for a few seconds (no render, no run), so it never slows a reader's first moves,
// and a reader who only glances at the page is spared it.
const SNAPSHOT_QUIET_MS = 5000;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let snapshotWait; // set once every figure has started, if a snapshot is wanted

// (Re)start the wait for quiet; called when every figure has started, then on each request.
function snapshotWhenQuiet() {
  if (!wantSnapshot) return;
  clearTimeout(snapshotWait);
  snapshotWait = setTimeout(() => {
    wantSnapshot = false;
    makeSnapshot(indexURL);
  }, SNAPSHOT_QUIET_MS);
}

/** @param {string} indexURL */
function makeSnapshot(indexURL) {
  const maker = new Worker("snapshot.js", { type: "module" });
  maker.onmessage = ({ data }) => {
    if (!data.saved) console.warn(`No memory snapshot: ${data.message}`);
  };
  maker.postMessage({ indexURL, cache: snapshots, key: snapshotKey(indexURL) });
}

// A sandbox (sandbox.js) hands this worker every file it may read, as bytes, in its boot
// message: the worker fetches nothing and imports nothing from any address. Its context (an
// opaque origin whose policy allows no connection at all) would refuse it anyway.
/** @type {Record<string, ArrayBuffer> | null} The files' bytes by absolute URL, once sealed. */
let sealed = null;

/** @param {string} url */
function given(url) {
  const bytes = sealed?.[url];
  if (!bytes) throw new TypeError(`${url} is not among the files this sandbox was given.`);
  return bytes;
}

/** @param {Record<string, ArrayBuffer>} files The files' bytes, by absolute URL. */
function seal(files) {
  sealed = files;
  self.fetch = async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    const bytes = given(url);
    // Browsers compile a .wasm only if its type is application/wasm.
    const type = url.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    return new Response(bytes, { headers: { "Content-Type": type, "Content-Length": String(bytes.byteLength) } });
  };
}

/** A module of the given files, importable by its blob URL. @param {string} url */
const sealedModule = (url) => URL.createObjectURL(new Blob([given(url)], { type: "text/javascript" }));

// Pyodide's loader, and its Emscripten module first: the loader imports that one itself
// only if it has not set _createPyodideModule, by an address a sandbox cannot reach.
/** @param {string} indexURL */
async function importSealed(indexURL) {
  await import(sealedModule(`${indexURL}pyodide.asm.js`));
  return import(sealedModule(`${indexURL}pyodide.mjs`));
}

// Step 1: the interpreter, and the shared figure interface, fetched while it boots.
/**
 * @param {string} indexURL
 * @param {string[]} shared The figures' package and the figure API, loaded before any figure.
 * @param {Promise<never>} broken Rejected if a runtime file arrives broken (watchDownloads).
 * @returns {Promise<PyodideAPI>}
 */
async function startRuntime(indexURL, shared, broken) {
  const fetched = Promise.all(shared.map(fetchFile));
  const loader = /** @type {Promise<PyodideLoader>} */ (sealed ? importSealed(indexURL) : import(`${indexURL}pyodide.mjs`));
  const interpreter = Promise.race([loader.then(loadInterpreter(indexURL)), broken]);
  const [runtime, files] = await Promise.all([interpreter, fetched]);
  for (const [path, bytes] of files) {
    runtime.FS.mkdirTree(`${HOME}/${path.slice(0, path.lastIndexOf("/"))}`);
    runtime.FS.writeFile(`${HOME}/${path}`, bytes);
  }
  runtime.FS.mkdirTree(`${HOME}/${figuresPackage}/data`);
  return runtime;
}

// Step 2: the packages one figure imports (numpy, ...), shared between figures.
/**
 * @param {string[]} packages
 * @returns {Promise<unknown>}
 */
function loadPackages(packages) {
  const key = packages.join(" ");
  if (!packageLoads.has(key)) {
    packageLoads.set(
      key,
      packages.length
        ? /** @type {PyodideAPI} */ (pyodide).loadPackage(packages)
        : Promise.resolve(),
    );
  }
  return /** @type {Promise<unknown>} */ (packageLoads.get(key));
}

// Step 3: fetch the figure's module, helpers and data, import it; a failure is that figure's alone.
/**
 * @param {Protocol.FigureSpec} figure
 * @returns {Promise<boolean>} Whether the figure is ready.
 */
async function startFigure({ id, widget, placement, packages, files }) {
  try {
    const sources = Promise.all([`${widget}.py`, ...files].map((path) => fetchFile(`${figuresPackage}/${path}`)));
    sources.catch(() => {}); // awaited below, after the packages; a 404 is reported there
    if (packages.length) {
      post("progress", { id, step: 2, label: `Loading ${packages.join(", ")}`, loaded: 0, total: 0 });
    }
    await loadPackages(packages);
    post("progress", { id, step: 3, label: "Starting the figure", loaded: 0, total: 0 });
    for (const [path, bytes] of await sources)
      /** @type {PyodideAPI} */ (pyodide).FS.writeFile(`${HOME}/${path}`, bytes);
    // Python keeps a folder's listing until its mtime changes; a file written within the same
    // millisecond as another figure's import would go unseen.
    /** @type {PyodideAPI} */ (pyodide).runPython("import importlib; importlib.invalidate_caches()");
    figures.set(id, /** @type {PyodideAPI} */ (pyodide).pyimport(`${figuresPackage}.${widget}`));
    placements.set(id, placement);
    post("ready", { id });
    return true;
  } catch (error) {
    post("error", { id, ...describe(error) });
    return false;
  }
}

// A frame from Python (Frame.message()) to the page, its pixel and point bytes moved, not copied.
/**
 * @param {string} id
 * @param {PyProxy} frame
 */
function postFrame(id, frame) {
  const data = /** @type {Protocol.Frame} */ (frame.toJs({ dict_converter: Object.fromEntries }));
  const buffers = data.layers.flatMap((/** @type {LayerBytes} */ layer) =>
    // filter(Boolean) drops the arrays a layer lacks, which TypeScript cannot see.
    /** @type {Protocol.Bytes[]} */ ([layer.data, layer.points, layer.fill].filter(Boolean))
      .map((bytes) => bytes.buffer));
  self.postMessage(
    /** @satisfies {Protocol.ToPageMessage} */ ({ type: "frame", data: { id, ...data } }),
    buffers,
  );
}

/** @type {Protocol.Handlers<Protocol.ToWorker>} */
const handlers = {
  boot({ indexURL: url, moduleURL: modules, shared, package: folder, sizes, timeout, snapshots: name, files }) {
    if (files) seal(files);
    figuresPackage = folder;
    snapshots = name;
    indexURL = url;
    moduleURL = modules;
    let bytes = { loaded: 0, total: 0 };
    // The status line says which step runs: bytes while they arrive, then the computer's turn.
    const broken = watchDownloads(
      sizes,
      timeout,
      (loaded, total) => {
        bytes = { loaded, total };
        post("progress", { step: 1, label: "Loading Python", ...bytes });
      },
      () => {
        if (!pyodide) post("progress", { step: 1, label: "Starting Python", ...bytes });
      },
    );
    booted = startRuntime(url, shared, broken).then((runtime) => {
      pyodide = runtime;
      runner = /** @type {Runner} */ (pyodide.pyimport("essay_site.figures.runner"));
    });
    booted.catch((error) => post("error", describe(error)));
  },

  async start({ figures: wanted }) {
    try {
      await booted;
    } catch {
      return; // already reported by boot
    }
    // Figures that need nothing beyond the core go live first; only then do the others'
    // packages and data start downloading (a few seconds at most if no frame comes).
    const light = wanted.filter((f) => !f.packages.length && !f.files.length);
    const heavy = wanted.filter((f) => f.packages.length || f.files.length);
    const started = await Promise.all(light.map(startFigure));
    if (started.some(Boolean)) {
      await Promise.race([firstFrame, new Promise((resolve) => setTimeout(resolve, 3000))]);
    }
    await Promise.all(heavy.map(startFigure));
    // Only now, with every figure started, is there time for a throwaway interpreter.
    snapshotWhenQuiet();
  },

  // A reader's edit: run in place of the figure's module if it imports and draws; else say where
  // it failed, and the figure goes on as it was.
  run({ id, source, state }) {
    post("took", { id, request: "run" });
    const raw = /** @type {PyodideAPI} */ (pyodide).toPy(state);
    /** @type {Edited | null} */
    let result = null;
    try {
      result = /** @type {Runner} */ (runner).edit(figures.get(id), source, raw, placements.get(id) ?? "");
      const { ok, module, frame, controls, error, line } = result;
      if (ok && module && frame) {
        // Attributes of a proxy are borrowed, gone with it: the module is kept, so copied.
        figures.set(id, module.copy());
        post("ran", { id, ok: true, controls, message: "", line: null });
        postFrame(id, frame);
      } else {
        post("ran", { id, ok: false, controls: "", message: error, line: line ?? null });
      }
    } catch (error) {
      post("ran", { id, ok: false, controls: "", message: describe(error).message, line: null });
    } finally {
      raw.destroy();
      if (result) result.destroy();
    }
  },

  render({ id, state }) {
    post("took", { id, request: "render" });
    const module = figures.get(id);
    const raw = /** @type {PyodideAPI} */ (pyodide).toPy(state);
    /** @type {PyProxy | null} */
    let frame = null;
    try {
      frame = /** @type {Runner} */ (runner).message(module, raw);
      postFrame(id, frame);
    } catch (error) {
      post("error", { id, ...describe(error) });
    } finally {
      firstFrameSent();
      raw.destroy();
      if (frame) frame.destroy();
    }
  },
};

/** @param {MessageEvent<Protocol.ToWorkerMessage>} event */
self.onmessage = ({ data: { type, data } }) => {
  // The protocol pairs each type with its data, a pairing TypeScript loses once they are
  // destructured; and a message may still be of a type this worker does not know.
  const handler = /** @type {((data: Protocol.ToWorkerMessage["data"]) => void) | undefined} */ (
    handlers[type]
  );
  if (!handler) {
    post("error", {
      id: data && /** @type {{ id?: string }} */ (data).id,
      message: `Unknown message type: ${type}`,
      detail: "",
    });
    return;
  }
  // A reader at work: the snapshot, if it is still waiting, waits on.
  if (snapshotWait !== undefined && (type === "render" || type === "run")) snapshotWhenQuiet();
  handler(data);
};
