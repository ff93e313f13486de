// @ts-check
// Fakes for the browser layer's fast tests: a worker that records what the page sends and
// answers when told, and figures that record what the bridge asks of them. No DOM, no Python.

/** A stand-in for the Python worker. */
export class FakeWorker {
  constructor() {
    /** @type {{ type: string, data: any }[]} */
    this.sent = [];
    this.terminated = false;
    /** @type {((event: { data: any }) => void) | null} */
    this.onmessage = null;
    /** @type {((event: any) => void) | null} */
    this.onerror = null;
  }

  /** @param {{ type: string, data: any }} message */
  postMessage(message) {
    if (!this.terminated) this.sent.push(message);
  }

  terminate() {
    this.terminated = true;
  }

  /** The worker says something to the page. @param {string} type @param {any} data */
  answer(type, data) {
    this.onmessage?.({ data: { type, data } });
  }

  /** What was sent of one type. @param {string} type */
  of(type) {
    return this.sent.filter((message) => message.type === type).map((message) => message.data);
  }
}

/** A figure as the bridge sees it, recording every call. */
export class FakeFigure {
  /** @param {string} id */
  constructor(id) {
    this.id = id;
    /** @type {import("../../src/essay_site/figures/browser/bridge.js").FigureState} */
    this.state = "static";
    this.controls = { n: 1 };
    /** @type {[string, any][]} */
    this.calls = [];
    this.paintable = true;
  }

  /** What the worker is given, less what the bridge never reads. @returns {Protocol.FigureSpec} */
  spec() {
    return /** @type {any} */ ({ id: this.id, widget: this.id, packages: [], files: [] });
  }

  values() {
    return { ...this.controls };
  }

  /** @param {any} progress */
  progress(progress) {
    if (this.state === "static") this.state = "loading";
    this.calls.push(["progress", progress]);
  }

  live() {
    this.calls.push(["live", null]);
  }

  /** @param {any} frame */
  paint(frame) {
    this.calls.push(["paint", frame]);
    if (this.paintable) this.state = "live";
    return this.paintable;
  }

  /**
   * The outcome, with the code it is of, and how its sandbox ended if it did.
   * @param {any} outcome @param {string} source @param {"failed" | "held" | "stopped"} [gone]
   */
  ran(outcome, source, gone) {
    this.calls.push(["ran", { ...outcome, source, ...(gone && { gone }) }]);
  }

  /**
   * A watch's message (held) is also recorded as "held": it names no code, the client does.
   * @param {string} message @param {boolean} [held]
   */
  fail(message, held = false) {
    this.state = "error";
    this.calls.push(["fail", message]);
    if (held) this.calls.push(["held", message]);
  }

  restarting() {
    this.state = "loading";
    this.calls.push(["restarting", null]);
  }

  /** The arguments of every call of one kind. @param {string} kind */
  of(kind) {
    return this.calls.filter(([name]) => name === kind).map(([, value]) => value);
  }
}

/** A frame as the worker sends it. @param {string} id */
export const frame = (id) => ({ id, html: "<p>frame</p>", alt: "frame", layers: [] });
