// @ts-check
// Code that is not the site's (a reader's edit, a saved edit replayed, a link's code) runs in
// a sandbox of its figure's own, never in the worker that runs the shipped figures:
// - a hidden <iframe sandbox="allow-scripts"> whose document the page writes (srcdoc, from
//   the page's <template data-sandbox>: figures/sandbox.py): an opaque origin, where Cache
//   Storage, IndexedDB, cookies and localStorage are out of reach;
// - its Python worker starts from bytes this page hands it (the worker's code, the runtime's
//   files, the figure's modules, the memory snapshot if any), under the sandbox's policy,
//   which lets no request out;
// - it talks only to its figure: a message of another type, shape or figure is dropped
//   (accepted below), and what it draws is sanitised like every frame (sanitize.js);
// - a runaway edit is stopped by ending that sandbox; the shipped figures never notice;
// - it starts on the first run, or before, when the reader opens the editor (prepare).
// Router sends each figure's requests where its code runs: the shared bridge for shipped
// code, its sandbox's bridge once an edit has run there.

import { readSnapshot, snapshotKey } from "../assets/restore.js";

/** @typedef {import("./bridge.js").Bridge} Bridge */
/** @typedef {import("./bridge.js").Client} Client */
/** @typedef {import("./bridge.js").FigureState} FigureState */

/** Each message type a sandbox may send, and the type of each field its data must have. */
const SHAPES = /** @type {Record<string, Record<string, string>>} */ ({
  progress: { step: "number", label: "string", loaded: "number", total: "number" },
  took: { id: "string", request: "string" },
  ready: { id: "string" },
  frame: { id: "string", html: "string", alt: "string", layers: "object" },
  error: { message: "string", detail: "string" },
  ran: { id: "string", ok: "boolean", controls: "string", message: "string" },
});

/**
 * A sandbox's message as the bridge may receive it, or null: of a known type, its data of
 * that type's shape, about no figure but `id`.
 * @param {unknown} message
 * @param {string} id The sandbox's figure.
 * @returns {Protocol.ToPageMessage | null}
 */
export function accepted(message, id) {
  if (!message || typeof message !== "object") return null;
  const { type, data } = /** @type {{ type?: unknown, data?: unknown }} */ (message);
  if (typeof type !== "string" || !Object.hasOwn(SHAPES, type)) return null;
  if (!data || typeof data !== "object") return null;
  const fields = /** @type {Record<string, unknown>} */ (data);
  if ("id" in fields && fields.id !== id) return null;
  if (!Object.entries(SHAPES[type]).every(([key, kind]) => typeof fields[key] === kind)) return null;
  if (type === "took" && fields.request !== "render" && fields.request !== "run") return null;
  if (type === "ran" && fields.line !== null && typeof fields.line !== "number") return null;
  if (type === "frame" && !Array.isArray(fields.layers)) return null;
  return /** @type {Protocol.ToPageMessage} */ ({ type, data });
}

/**
 * Every file a sandbox's worker reads, as bytes by URL: the runtime's, the shared modules,
 * the figure's own. Fetched by this page (so from the saved copy when offline). And this
 * browser's memory snapshot of the runtime, if it has one that may be restored (restore.js):
 * the sandbox starts from it as the site's own worker does, without Python's own start-up.
 * @param {Protocol.ToWorker["boot"]} boot
 * @param {Protocol.FigureSpec} spec
 * @returns {Promise<Record<string, ArrayBuffer>>}
 */
export async function gather({ indexURL, moduleURL, shared, package: folder, sizes, snapshots }, { widget, files }) {
  const runtime = ["pyodide.mjs", "pyodide.asm.js", ...Object.keys(sizes)].map((name) => indexURL + name);
  const own = [`${widget}.py`, ...files].map((path) => `${folder}/${path}`);
  const modules = [...shared, ...own].map((path) => moduleURL + path);
  const snapshot = snapshotOf(indexURL, snapshots); // read while the files are fetched
  const entries = await Promise.all(
    [...runtime, ...modules].map(async (url) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} could not be read (HTTP ${response.status})`);
      return /** @type {[string, ArrayBuffer]} */ ([url, await response.arrayBuffer()]);
    }),
  );
  return Object.fromEntries([...entries, ...(await snapshot)]);
}

/**
 * This browser's snapshot of the runtime at `indexURL` as a file entry, if it may be restored.
 * None without Cache Storage (no secure context) or with no such cache, which is never made
 * here: opening it would. A snapshot that may not be restored is left to the site's worker.
 * @param {string} indexURL
 * @param {string} name The snapshots' cache.
 * @returns {Promise<[string, ArrayBuffer][]>}
 */
async function snapshotOf(indexURL, name) {
  const key = snapshotKey(indexURL);
  try {
    if (typeof caches === "undefined" || !(await caches.has(name))) return [];
    const snapshot = await readSnapshot(await caches.open(name), key);
    return snapshot instanceof Uint8Array ? [[key, snapshot.buffer]] : [];
  } catch {
    return []; // storage that cannot be read (a browser's privacy setting): a normal boot
  }
}

/** What the bridge needs of a Worker, over a sandbox page in an iframe. */
export class Sandbox {
  /**
   * @param {{ template: HTMLTemplateElement, worker: string, spec: Protocol.FigureSpec }} options
   * template: the page's `<template data-sandbox>` (the relay, and the sandbox's policy).
   */
  constructor({ template, worker, spec }) {
    /** @type {((event: { data: Protocol.ToPageMessage }) => void) | null} */
    this.onmessage = null;
    /** @type {((event: { message: string, preventDefault(): void }) => void) | null} */
    this.onerror = null;
    this.spec = spec;
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("sandbox", "allow-scripts");
    this.frame.hidden = true;
    this.frame.title = "Sandbox for this figure's edited code";
    // Written, not fetched: a sandboxed frame's navigation passes no service worker.
    const policy = /** @type {string} */ (template.dataset.policy).replaceAll('"', "&quot;");
    const head = `<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${policy}">`;
    this.frame.srcdoc = `<!doctype html><html lang="en"><head>${head}<title>Sandbox</title>${template.innerHTML}</head></html>`;
    /** @param {MessageEvent} event */
    this.listener = ({ source, data }) => {
      if (source !== this.frame.contentWindow) return;
      const message = accepted(data, spec.id);
      if (message) this.onmessage?.({ data: message });
      else console.warn(`Figure ${spec.id}: a message from its sandbox was dropped.`);
    };
    addEventListener("message", this.listener);
    const loaded = new Promise((resolve) => this.frame.addEventListener("load", resolve, { once: true }));
    document.body.append(this.frame);
    const code = fetch(worker).then((response) => response.text());
    /** @type {Promise<unknown>} Messages go in order; the first is the worker's code. */
    this.queue = Promise.all([code, loaded]).then(([text]) => this.send(text));
  }

  /** @param {unknown} data @param {ArrayBuffer[]} [moved] Buffers handed over, not copied. */
  send(data, moved = []) {
    this.frame.contentWindow?.postMessage(data, "*", moved);
  }

  /** @param {Protocol.ToWorkerMessage} message */
  postMessage({ type, data }) {
    // A boot carries the files, read first: the worker may read nothing else.
    this.queue = this.queue
      .then(async () => {
        const files = type === "boot" ? await gather(/** @type {Protocol.ToWorker["boot"]} */ (data), this.spec) : null;
        // The files move to the sandbox, not copies of them: with a snapshot, some 36 MB.
        this.send({ type, data: files ? { ...data, files } : data }, Object.values(files ?? {}));
      })
      .catch((/** @type {Error} */ error) => {
        this.onerror?.({ message: `its sandbox could not start: ${error.message}`, preventDefault() {} });
      });
  }

  terminate() {
    removeEventListener("message", this.listener);
    this.frame.remove();
  }
}

/**
 * A figure as its sandbox's bridge sees it: the figure's own state is the shared bridge's
 * (live all along), this one's is the sandbox's. The run asked for before the sandbox was
 * ready waits for it; after a restart (a runaway edit), the last good one runs again. Started
 * ahead of a run (the reader opened the editor), it waits, ready, for the first.
 * @implements {Client}
 */
class Sandboxed {
  /**
   * @param {Client & { edited: string | null }} figure
   * @param {Router} router
   * @param {boolean} ahead Started before any run (the editor opened).
   */
  constructor(figure, router, ahead) {
    this.figure = figure;
    this.router = router;
    this.ahead = ahead;
    /** @type {FigureState} */
    this.state = "loading";
    /** @type {string | null} A run waiting for the sandbox. */
    this.pending = null;
    /** @type {string | null} The last run that drew: while there is one, frames come from here. */
    this.good = null;
    /** Whether it has yet to run anything: ready, it stays for the first run. */
    this.fresh = true;
    /** Whether code drew in its worker: one restarted holds no edit until one draws there. */
    this.drawn = false;
    this.bridge = router.sandboxFor(this);
    // Known to the router before it starts: a start that fails at once leaves it there.
    router.sandboxes.set(figure.id, this);
    this.bridge.start([this]);
  }

  get id() {
    return this.figure.id;
  }

  spec() {
    return this.figure.spec();
  }

  values() {
    return this.figure.values();
  }

  progress() {}

  live() {
    this.state = "live";
    const source = this.pending ?? this.good;
    this.pending = null;
    if (source !== null) this.send(source);
    else if (!this.fresh) this.router.leave(this.figure);
  }

  /** @param {string} source */
  run(source) {
    if (this.state === "live") return this.send(source);
    if (this.state === "error") return false;
    this.pending = source; // the reader's latest: one they ran before it, still waiting, never runs
    return true;
  }

  /** @param {string} source */
  send(source) {
    if (!this.bridge.run(this, source)) return false;
    this.fresh = false;
    return true;
  }

  /** @param {Protocol.Frame} frame */
  paint(frame) {
    return this.figure.paint(frame);
  }

  /**
   * @param {Protocol.ToPage["ran"]} outcome
   * @param {string} source The code that ran: after a restart, the last good one, run again.
   */
  ran(outcome, source) {
    if (outcome.ok) [this.good, this.drawn] = [source, true];
    // The first run in a restarted worker failed (one that waited for it, or the last good code
    // run again): no edit draws there, so the figure's own code does, as when a sandbox ends.
    const lost = !outcome.ok && !this.drawn && this.good !== null;
    if (lost) this.good = null;
    const channel = this.bridge.channel(this);
    // Its worker is being replaced (the run never finished), with nothing to run again in a
    // new one: the sandbox ends instead, and the figure's own code draws.
    const stopped = !channel.ready && this.good === null;
    this.figure.ran(outcome, source, stopped ? "stopped" : lost ? "failed" : undefined);
    if (stopped) {
      this.state = "error";
      this.router.leave(this.figure);
    } else if (lost) {
      channel.pending = false; // a frame asked of it meanwhile: the shared worker draws now
      this.router.render(this.figure);
    }
  }

  // The sandbox itself failed, or was stopped: its figure's own code draws again, and the code
  // it was running (a run waiting for it, the one under way, else the last that drew) is told
  // it failed so. Started ahead and never used, it goes quietly: the first run starts another.
  /**
   * @param {string} message
   * @param {boolean} [held] A watch stopped it: its worker was held (by code that ran there).
   */
  fail(message, held = false) {
    this.state = "error";
    const code = this.pending ?? this.bridge.channel(this).running ?? this.good;
    // What ended it is the code that drew in this worker, if one did (a restarted worker's
    // last good code has not yet): held by it, or one of its frames raised. A run asked of it
    // meanwhile, and not taken, did not run at all.
    const drew = this.drawn ? this.good : null;
    const again = drew === null && code === this.good; // in a restarted worker
    const end = held ? message : `stopped with ${message}`;
    const cause = held ? `its sandbox ${message}` : message; // a watch's message names no code
    // Nothing more is asked of it: a frame asked for as its figure is told goes to the shared worker.
    this.pending = this.good = null;
    if (code === null) {
      this.router.leave(this.figure);
      if (!(this.ahead && this.fresh)) this.figure.fail(cause);
      return;
    }
    // Told before it leaves: the figure puts its own controls back, and its own code is then
    // asked for a frame of their values, never of controls it does not declare.
    const said =
      drew === null
        ? again
          ? `Python was restarted and could not run this code again: ${cause}`
          : `Python could not run it: ${cause}`
        : code === drew
          ? `This code drew, then ${end}`
          : `Python could not run it: the code that drew before it ${end}`;
    const outcome = { id: this.id, ok: false, controls: "", message: said, line: null };
    this.figure.ran(outcome, code, held ? "held" : "failed");
    this.router.leave(this.figure);
  }

  restarting() {
    this.state = "loading";
    this.drawn = false;
  }
}

/** Each figure's requests to where its code runs. */
export class Router {
  /**
   * @param {Bridge} shared The bridge of the shipped figures' worker.
   * @param {(client: Client) => Bridge} sandboxFor A bridge to a new sandbox for one figure.
   */
  constructor(shared, sandboxFor) {
    this.shared = shared;
    this.sandboxFor = sandboxFor;
    /** @type {Map<string, Sandboxed>} */
    this.sandboxes = new Map();
  }

  /** @param {Client} figure */
  render(figure) {
    const own = this.sandboxes.get(figure.id);
    if (own?.good != null) own.bridge.render(own);
    else this.shared.render(figure);
  }

  /**
   * Code not the site's runs in the figure's sandbox, started on its first run if not before.
   * @param {Client & { edited: string | null }} figure
   * @param {string} source
   */
  run(figure, source) {
    return (this.sandboxes.get(figure.id) ?? new Sandboxed(figure, this, false)).run(source);
  }

  /**
   * Start the figure's sandbox ahead of a run: a reader who opens the editor is about to
   * run, and Python takes seconds to start. Not while the figure itself still starts: two
   * Pythons starting at once would slow both.
   * @param {Client & { edited: string | null }} figure
   */
  prepare(figure) {
    if (figure.state === "live" && !this.sandboxes.has(figure.id)) new Sandboxed(figure, this, true);
  }

  /** The figure's sandbox ended; the shipped code, in the shared worker, draws it again. @param {Client} figure */
  leave(figure) {
    this.sandboxes.get(figure.id)?.bridge.worker?.terminate();
    this.sandboxes.delete(figure.id);
    this.shared.render(figure);
  }
}
