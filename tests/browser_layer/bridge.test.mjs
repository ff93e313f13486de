// @ts-check
// The bridge's scheduling rules (src/essay_site/figures/browser/bridge.js), against a fake
// worker that answers at once and a clock the test moves: no browser, no Python.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

import { Bridge } from "../../src/essay_site/figures/browser/bridge.js";
import { FakeFigure, FakeWorker, frame } from "./fakes.mjs";

const RENDER_MS = 5_000;
const RUN_MS = 20_000;
const BUSY_MS = 180_000;

/** @type {FakeWorker[]} */
let workers;

beforeEach(() => {
  workers = [];
  mock.timers.enable({ apis: ["setTimeout"] });
  mock.method(console, "error", () => {});
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

/**
 * A bridge started on ``ids``, every figure's module imported (ready).
 * @param {string[]} ids
 * @param {{ ready?: boolean, sandboxed?: boolean }} [options]
 */
function started(ids, { ready = true, sandboxed = false } = {}) {
  const bridge = new Bridge({
    sandboxed,
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return /** @type {any} */ (worker);
    },
    boot: /** @type {any} */ ({ indexURL: "/pyodide/", moduleURL: "/py/", shared: [], sizes: {}, timeout: 60 }),
    busySeconds: BUSY_MS / 1000,
    renderSeconds: RENDER_MS / 1000,
    runSeconds: RUN_MS / 1000,
  });
  const figures = ids.map((id) => new FakeFigure(id));
  bridge.start(figures);
  if (ready) for (const id of ids) workers.at(-1)?.answer("ready", { id });
  return { bridge, figures, worker: /** @type {FakeWorker} */ (workers.at(-1)) };
}

test("start boots the worker, then hands it every figure", () => {
  const { worker } = started(["a", "b"], { ready: false });
  assert.deepEqual(
    worker.sent.map((message) => message.type),
    ["boot", "start"],
  );
  assert.deepEqual(
    worker.of("start")[0].figures.map((/** @type {Protocol.FigureSpec} */ spec) => spec.id),
    ["a", "b"],
  );
});

test("input while a frame is awaited is sent once, with the latest state, when it comes", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  bridge.render(a);
  for (const n of [2, 3, 4]) {
    a.controls = { n };
    bridge.render(a);
  }
  assert.deepEqual(worker.of("render"), [{ id: "a", state: { n: 1 } }]);
  worker.answer("frame", frame("a"));
  assert.deepEqual(worker.of("render"), [
    { id: "a", state: { n: 1 } },
    { id: "a", state: { n: 4 } },
  ]);
  worker.answer("frame", frame("a"));
  assert.equal(worker.of("render").length, 2, "nothing more was asked for");
});

test("a figure not yet ready asks for nothing", () => {
  const { bridge, figures: [a], worker } = started(["a"], { ready: false });
  bridge.render(a);
  assert.deepEqual(worker.of("render"), []);
});

test("when the worker falls silent, the figure whose request it took first is stopped", () => {
  // Page order a, b; request order b, a. The worker takes b's and falls silent: b is
  // stopped, a comes back in a new worker.
  const { bridge, figures: [a, b], worker } = started(["a", "b"]);
  bridge.render(b);
  bridge.render(a);
  worker.answer("took", { id: "b", request: "render" });
  mock.timers.tick(1_000);
  worker.answer("progress", { step: 3, label: "Working", loaded: 0, total: 0 });
  mock.timers.tick(RENDER_MS);
  assert.equal(b.state, "error");
  assert.deepEqual(b.of("held"), ["did not answer within 5 s, so Python was restarted without it."]);
  assert.deepEqual(a.of("fail"), []);
  assert.deepEqual(a.of("restarting").length, 1);
  assert.ok(worker.terminated);
  const next = /** @type {FakeWorker} */ (workers.at(-1));
  assert.notEqual(next, worker);
  assert.deepEqual(
    next.of("start")[0].figures.map((/** @type {Protocol.FigureSpec} */ spec) => spec.id),
    ["a"],
  );
});

test("a figure waiting behind another's frames is not taken for stuck", () => {
  const { bridge, figures: [a, b], worker } = started(["a", "b"]);
  bridge.render(a);
  bridge.render(b);
  worker.answer("took", { id: "a", request: "render" });
  mock.timers.tick(RENDER_MS - 1_000);
  worker.answer("frame", frame("a")); // a took 4 s; b has waited as long
  worker.answer("took", { id: "b", request: "render" });
  mock.timers.tick(RENDER_MS - 1_000);
  worker.answer("frame", frame("b")); // 8 s after b asked, but the worker was never silent 5 s
  assert.equal(a.state, "live");
  assert.equal(b.state, "live");
  assert.equal(workers.length, 1, "no restart");
});

test("a run that never finishes is stopped, though a frame was on its way", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  bridge.render(a);
  assert.ok(bridge.run(a, "while True: pass"));
  assert.equal(bridge.run(a, "again"), false, "one run at a time");
  worker.answer("took", { id: "a", request: "render" });
  worker.answer("frame", frame("a")); // the frame asked for before the run
  worker.answer("took", { id: "a", request: "run" });
  // A run imports the reader's module first: it has run_timeout, longer than a render's.
  mock.timers.tick(RUN_MS - 1);
  assert.deepEqual(a.of("ran"), []);
  mock.timers.tick(1);
  const [outcome] = a.of("ran");
  assert.equal(outcome.ok, false);
  assert.match(outcome.message, /did not finish within 20 s and was stopped/);
  assert.notEqual(a.state, "error", "the figure comes back, as it was before the run");
  assert.deepEqual(workers.at(-1)?.of("start")[0].figures.map((/** @type {Protocol.FigureSpec} */ spec) => spec.id), ["a"]);
});

test("after a restart, each figure that comes back is made live again", () => {
  const { bridge, figures: [a, b], worker } = started(["a", "b"]);
  bridge.render(a);
  worker.answer("took", { id: "a", request: "render" });
  mock.timers.tick(RENDER_MS);
  const next = /** @type {FakeWorker} */ (workers.at(-1));
  next.answer("ready", { id: "b" });
  assert.equal(b.of("live").length, 2, "live at first, and again in the new worker");
  bridge.render(b);
  assert.deepEqual(next.of("render"), [{ id: "b", state: { n: 1 } }]);
});

test("silence before the worker takes a request (another figure's packages) blames no one", () => {
  // a is live; b is still starting, its packages installing: the worker is busy, silent.
  const { bridge, figures: [a, b], worker } = started(["a", "b"], { ready: false });
  worker.answer("ready", { id: "a" });
  bridge.render(a);
  mock.timers.tick(RENDER_MS * 3);
  assert.deepEqual(a.of("fail"), []);
  assert.equal(workers.length, 1, "no restart");
  worker.answer("ready", { id: "b" });
  worker.answer("took", { id: "a", request: "render" });
  worker.answer("frame", frame("a"));
  assert.equal(a.state, "live");
  assert.equal(b.of("live").length, 1);
});

/** Each figure drawn once: all live, the worker idle. @param {Bridge} bridge @param {FakeFigure[]} figures */
function drawn(bridge, figures) {
  const worker = /** @type {FakeWorker} */ (workers.at(-1));
  for (const figure of figures) {
    bridge.render(figure);
    worker.answer("took", { id: figure.id, request: "render" });
    worker.answer("frame", frame(figure.id));
  }
}

/** The page frozen (a background tab) for `ms`: its clock moves on, its timers have not run. @param {number} ms */
function frozen(ms) {
  mock.timers.reset();
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  return () => mock.timers.setTime(Date.now() + ms);
}

test("a watch that fires late, the page itself held, waits again for the worker's messages", () => {
  const freeze = frozen(60_000);
  const { bridge, figures: [a], worker } = started(["a"]);
  bridge.render(a);
  worker.answer("took", { id: "a", request: "render" });
  freeze();
  mock.timers.tick(RENDER_MS);
  assert.equal(worker.terminated, false, "the page was held, not its worker");
  worker.answer("frame", frame("a")); // read now that the page runs again
  mock.timers.tick(RENDER_MS * 3);
  assert.equal(worker.terminated, false);
  assert.deepEqual(a.of("fail"), []);
  assert.equal(a.state, "live");
});

test("a late watch that finds the worker still silent stops it, one span later", () => {
  const freeze = frozen(60_000);
  const { bridge, figures, worker } = started(["a", "b"]);
  drawn(bridge, figures);
  bridge.render(figures[0]); // never taken
  freeze();
  mock.timers.tick(RENDER_MS);
  assert.equal(worker.terminated, false);
  mock.timers.tick(RENDER_MS);
  assert.ok(worker.terminated, "the untaken request is still untaken, on the page's own time");
});

test("a request an idle worker never takes restarts it for every figure, none blamed", () => {
  const { bridge, figures, worker } = started(["a", "b"]);
  drawn(bridge, figures);
  bridge.render(figures[1]); // held outside any request (in Firefox, seen), it takes nothing
  mock.timers.tick(RENDER_MS - 1_000);
  worker.answer("progress", { step: 3, label: "Working", loaded: 0, total: 0 }); // not a take
  mock.timers.tick(1_000);
  assert.ok(worker.terminated);
  assert.deepEqual(figures.map((figure) => figure.of("fail")), [[], []]);
  const next = /** @type {FakeWorker} */ (workers.at(-1));
  assert.notEqual(next, worker);
  assert.deepEqual(next.of("start")[0].figures.map((/** @type {Protocol.FigureSpec} */ spec) => spec.id), ["a", "b"]);
});

test("a request taken, or one asked while a figure still starts, is not left untaken", () => {
  const { bridge, figures: [a, b], worker } = started(["a", "b"]);
  drawn(bridge, [a]); // b has yet to draw: its first frame may take long
  bridge.render(a);
  mock.timers.tick(RENDER_MS * 3);
  assert.equal(workers.length, 1, "no restart while b starts");
  drawn(bridge, [b]);
  worker.answer("took", { id: "a", request: "render" });
  mock.timers.tick(RENDER_MS - 1);
  worker.answer("frame", frame("a"));
  mock.timers.tick(RENDER_MS);
  assert.equal(workers.length, 1, "taken, then answered");
});

test("a request out when the worker restarted without its figure never stops the next worker", () => {
  const { bridge, figures: [a, b], worker } = started(["a", "b"]);
  drawn(bridge, [a, b]);
  worker.answer("error", { id: "a", message: "its render raised", detail: "" });
  bridge.render(a); // the reader moves the figure in error; the worker, held, takes nothing
  mock.timers.tick(RENDER_MS);
  assert.ok(worker.terminated);
  /** @type {FakeWorker} */ (workers.at(-1)).answer("ready", { id: "b" });
  drawn(bridge, [b]);
  mock.timers.tick(RENDER_MS * 3);
  assert.equal(workers.length, 2, "a's request went with the old worker: no restart for it");
});

test("a sandbox's worker that never takes a request is stopped, its figure with it", () => {
  const { bridge, figures: [a], worker } = started(["a"], { sandboxed: true });
  drawn(bridge, [a]);
  bridge.render(a); // a timer of the reader's code that never returns holds the worker
  mock.timers.tick(RENDER_MS);
  assert.ok(worker.terminated);
  assert.deepEqual(a.of("held"), ["did not answer within 5 s and was stopped."]);
  assert.equal(workers.length, 1, "not started again: the same code would hold it again");
});

test("a failed run lets input made meanwhile through", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  bridge.run(a, "raise ValueError");
  a.controls = { n: 9 };
  bridge.render(a);
  assert.deepEqual(worker.of("render"), []);
  worker.answer("ran", { id: "a", ok: false, controls: "", message: "ValueError", line: 1 });
  assert.deepEqual(worker.of("render"), [{ id: "a", state: { n: 9 } }]);
});

test("an outcome is told with the code it is of, and only for a run under way", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  const drew = { id: "a", ok: true, controls: "", message: "", line: null };
  worker.answer("ran", drew); // a worker (a sandbox runs a reader's code) may say anything
  assert.deepEqual(a.of("ran"), []);
  bridge.run(a, "BAR = 1");
  worker.answer("ran", drew);
  worker.answer("ran", drew);
  assert.deepEqual(a.of("ran"), [{ ...drew, source: "BAR = 1" }]);
});

test("a restart that leaves no figure to draw starts no worker (a sandbox's stuck render)", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  bridge.render(a);
  worker.answer("took", { id: "a", request: "render" });
  mock.timers.tick(RENDER_MS);
  assert.equal(worker.terminated, true);
  assert.deepEqual(a.of("held"), ["did not answer within 5 s, so Python was restarted without it."]);
  assert.equal(workers.length, 1, "a new worker, for no figure, would boot Python for nothing");
});

test("a worker silent for busy_timeout while figures wait is stopped, failing them", () => {
  const { figures, worker } = started(["a", "b"], { ready: false });
  mock.timers.tick(BUSY_MS - 1);
  worker.answer("progress", { step: 1, label: "Starting Python", loaded: 10, total: 10 });
  mock.timers.tick(BUSY_MS - 1);
  assert.deepEqual(
    figures.map((figure) => figure.state),
    ["loading", "loading"],
  );
  assert.equal(worker.terminated, false);
  mock.timers.tick(1);
  assert.equal(worker.terminated, true, "a worker busy for ever is stopped");
  for (const figure of figures) assert.match(figure.of("fail")[0], /said nothing for 180 s/);
});

test("a figure that went live elsewhere (its sandbox drew it) leaves the worker running", () => {
  // b's kept edit runs in its sandbox: b never draws here, and this worker says nothing more.
  const { figures: [a, b], worker } = started(["a", "b"]);
  worker.answer("frame", frame("a"));
  assert.deepEqual([a.state, b.state], ["live", "loading"]);
  b.state = "live"; // its sandbox's frame, which this bridge never sees
  mock.timers.tick(BUSY_MS);
  assert.equal(worker.terminated, false, "a reader who only read for three minutes lost Python");
  assert.deepEqual(a.of("fail"), []);
});

test("an error names its figure, or every figure still waiting", () => {
  const { figures: [a, b, c], worker } = started(["a", "b", "c"], { ready: false });
  worker.answer("ready", { id: "c" });
  worker.answer("frame", frame("c"));
  worker.answer("error", { id: "a", message: "ImportError: no", detail: "" });
  assert.equal(a.state, "error");
  assert.equal(b.state, "loading");
  worker.answer("error", { message: "the runtime broke", detail: "" });
  assert.deepEqual(b.of("fail"), ["the runtime broke"]);
  assert.equal(c.state, "live", "a live figure keeps going");
});

test("a worker that cannot start fails every figure, saying why", () => {
  const bridge = new Bridge({
    createWorker: () => {
      throw new Error("blocked");
    },
    boot: /** @type {any} */ ({ indexURL: "", moduleURL: "", shared: [], sizes: {}, timeout: 60 }),
    busySeconds: 180,
    renderSeconds: 5,
    runSeconds: 20,
  });
  const figure = new FakeFigure("a");
  bridge.start([figure]);
  assert.deepEqual(figure.of("fail"), ["the Python worker could not start (blocked)."]);
});

test("a frame the page cannot paint ends that figure's request", () => {
  const { bridge, figures: [a], worker } = started(["a"]);
  a.paintable = false;
  bridge.render(a);
  worker.answer("frame", frame("a"));
  mock.timers.tick(RENDER_MS * 2);
  assert.equal(workers.length, 1, "no watch was left running");
});
