// @ts-check
// Where code that is not the site's runs (src/essay_site/figures/browser/sandbox.js): what the
// page accepts from a sandbox, and where Router sends a figure's requests. Fake workers stand
// for the shared worker and each sandbox; no DOM, no Python.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

import { Bridge } from "../../src/essay_site/figures/browser/bridge.js";
import { accepted, Router } from "../../src/essay_site/figures/browser/sandbox.js";
import { FakeFigure, FakeWorker, frame } from "./fakes.mjs";

test("a sandbox's messages are accepted only for its figure, of the protocol's types and shapes", () => {
  const ran = { id: "a", ok: true, controls: "", message: "", line: null };
  assert.deepEqual(accepted({ type: "ran", data: ran }, "a"), { type: "ran", data: ran });
  assert.deepEqual(accepted({ type: "frame", data: frame("a") }, "a")?.type, "frame");
  const error = { message: "boot failed", detail: "" };
  assert.deepEqual(accepted({ type: "error", data: error }, "a"), { type: "error", data: error });
  const refused = {
    "another figure's frame": { type: "frame", data: frame("b") },
    "another figure's run": { type: "ran", data: { ...ran, id: "b" } },
    "another figure's error": { type: "error", data: { ...error, id: "b" } },
    "a type the page does not know": { type: "navigate", data: { id: "a" } },
    "a type from Object's prototype": { type: "toString", data: { id: "a" } },
    "a request it never takes": { type: "took", data: { id: "a", request: "delete" } },
    "a frame without layers": { type: "frame", data: { id: "a", html: "", alt: "" } },
    "layers that are not a list": { type: "frame", data: { id: "a", html: "", alt: "", layers: "x" } },
    "a line that is not a number": { type: "ran", data: { ...ran, line: "1" } },
    "no data": { type: "ready" },
    "not a message": "ready",
  };
  for (const [what, message] of Object.entries(refused)) assert.equal(accepted(message, "a"), null, what);
});

/** @type {FakeWorker[]} */
let sandboxes;
/** @type {FakeWorker} */
let shared;

beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout"] });
  mock.method(console, "error", () => {});
  sandboxes = [];
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

/** @param {() => FakeWorker} make @param {boolean} sandboxed */
const bridgeOf = (make, sandboxed) =>
  new Bridge({
    sandboxed,
    createWorker: () => /** @type {any} */ (make()),
    boot: /** @type {any} */ ({ indexURL: "/pyodide/", moduleURL: "/py/", shared: [], sizes: {}, timeout: 60 }),
    busySeconds: 180,
    renderSeconds: 5,
    runSeconds: 20,
  });

/**
 * A router over a shared worker whose figures a and b are live.
 * @param {() => FakeWorker} [sandbox] Makes each sandbox's worker.
 */
function routed(sandbox = () => new FakeWorker()) {
  const sharedBridge = bridgeOf(() => (shared = new FakeWorker()), false);
  const router = new Router(sharedBridge, () =>
    bridgeOf(() => {
      const worker = sandbox();
      sandboxes.push(worker);
      return worker;
    }, true),
  );
  const [a, b] = ["a", "b"].map((id) => Object.assign(new FakeFigure(id), { edited: /** @type {string | null} */ (null) }));
  sharedBridge.start([a, b]);
  for (const id of ["a", "b"]) shared.answer("ready", { id });
  return { router, a, b };
}

test("an edit runs in a sandbox of its figure's own, never in the shared worker", () => {
  const { router, a } = routed();
  assert.equal(router.run(a, "edited"), true, "taken, to run once its sandbox is ready");
  assert.equal(sandboxes.length, 1);
  const [sandbox] = sandboxes;
  assert.deepEqual(sandbox.sent.map((m) => m.type), ["boot", "start"]);
  assert.deepEqual(sandbox.of("start")[0].figures.map((/** @type {any} */ f) => f.id), ["a"]);
  sandbox.answer("ready", { id: "a" });
  assert.deepEqual(sandbox.of("run"), [{ id: "a", source: "edited", state: { n: 1 } }]);
  assert.deepEqual(shared.of("run"), []);
});

test("run again while the sandbox starts: the latest code runs, the one it replaced never", () => {
  const { router, a } = routed();
  assert.equal(router.run(a, "first"), true);
  assert.equal(router.run(a, "fixed"), true, "the reader's second Run is not dropped");
  const [sandbox] = sandboxes;
  sandbox.answer("ready", { id: "a" });
  assert.deepEqual(sandbox.of("run").map((r) => r.source), ["fixed"]);
});

test("a figure's frames come from its sandbox once an edit drew there, the others' never", () => {
  const { router, a, b } = routed();
  router.run(a, "edited");
  const [sandbox] = sandboxes;
  sandbox.answer("ready", { id: "a" });
  router.render(a);
  assert.equal(shared.of("render").length, 1, "until the edit has drawn, the shipped code draws");
  shared.answer("frame", frame("a"));
  sandbox.answer("ran", { id: "a", ok: true, controls: "", message: "", line: null });
  sandbox.answer("frame", frame("a"));
  router.render(a);
  router.render(b);
  assert.equal(sandbox.of("render").length, 1);
  assert.deepEqual(shared.of("render").map((r) => r.id), ["a", "b"]);
  assert.deepEqual(a.of("ran").map((o) => o.ok), [true]);
});

test("a runaway edit ends its sandbox alone; the last good edit runs again in a new one", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  ranAway(router, a);
  assert.equal(sandboxes[0].terminated, true);
  assert.equal(shared.terminated, false, "the shipped figures' worker goes on");
  assert.match(a.of("ran")[1].message, /did not finish within 20 s/);
  assert.equal(a.of("ran")[1].gone, undefined, "the sandbox goes on, with the good edit");
  assert.equal(sandboxes.length, 2);
  sandboxes[1].answer("ready", { id: "a" });
  assert.deepEqual(sandboxes[1].of("run").map((r) => r.source), ["good"]);
  // That run's outcome is the good code's, not the runaway's (which must not be kept as drawn).
  sandboxes[1].answer("ran", { id: "a", ok: true, controls: "", message: "", line: null });
  assert.deepEqual(a.of("ran").map((o) => [o.ok, o.source]), [[true, "good"], [false, "while True: pass"], [true, "good"]]);
});

test("a run that waited for a restarted sandbox and fails leaves no edit drawing there", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  ranAway(router, a);
  // The reader's fix, run while the new sandbox starts, goes first; it fails there.
  assert.equal(router.run(a, "typo"), true);
  sandboxes[1].answer("ready", { id: "a" });
  assert.deepEqual(sandboxes[1].of("run").map((r) => r.source), ["typo"]);
  // The reader moves a control while it runs: asked of the sandbox, and held until the outcome.
  router.render(a);
  const renders = shared.of("render").length;
  sandboxes[1].answer("ran", { id: "a", ok: false, controls: "", message: "SyntaxError", line: 1 });
  // "good" never ran in this worker: the figure is told it no longer draws, and its own code
  // draws again, in the shared worker, now and from then on.
  assert.deepEqual(a.of("ran").at(-1), { id: "a", ok: false, controls: "", message: "SyntaxError", line: 1, source: "typo", gone: "failed" });
  assert.equal(shared.of("render").length, renders + 1);
  router.render(a);
  assert.deepEqual(sandboxes[1].of("render"), [], "the sandbox holds the shipped module: it draws nothing");
});

test("a first run that never finishes ends its sandbox: no new one starts with nothing to run", () => {
  const { router, a } = routed();
  router.run(a, "while True: pass");
  sandboxes[0].answer("ready", { id: "a" });
  sandboxes[0].answer("took", { id: "a", request: "run" });
  const renders = shared.of("render").length;
  mock.timers.tick(20_000);
  assert.equal(sandboxes[0].terminated, true);
  assert.match(a.of("ran")[0].message, /did not finish within 20 s/);
  // Told so (Figure.ran: a kept edit that ran away is asked before it runs on the next visit).
  assert.equal(a.of("ran")[0].gone, "stopped");
  assert.equal(sandboxes.length, 1, "a second sandbox would start Python for nothing");
  assert.equal(router.sandboxes.has("a"), false);
  assert.equal(shared.of("render").length, renders + 1, "the figure's own code draws");
});

test("a run asked while a frame of the code that drew is drawn: if that frame raises, the run is not blamed", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  router.render(a);
  sandboxes[0].answer("took", { id: "a", request: "render" });
  router.run(a, "fix");
  sandboxes[0].answer("error", { id: "a", message: "ValueError: not at this n", detail: "" });
  const outcome = a.of("ran").at(-1);
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "fix", "failed"]);
  assert.equal(outcome.message, "Python could not run it: the code that drew before it stopped with ValueError: not at this n");
});

test("a sandbox that fails during a run ends that run, told with its code", () => {
  const { router, a } = routed();
  router.run(a, "first");
  sandboxes[0].answer("ready", { id: "a" });
  sandboxes[0].answer("took", { id: "a", request: "run" });
  sandboxes[0].answer("error", { id: "a", message: "it broke", detail: "" });
  assert.deepEqual(a.of("ran").map((o) => [o.ok, o.source]), [[false, "first"]]);
  assert.equal(sandboxes[0].terminated, true);
});

/**
 * The figure's code `source` run, and drawn, in its (first) sandbox.
 * @param {Router} router @param {ReturnType<typeof routed>["a"]} a @param {string} source
 */
function drewInSandbox(router, a, source) {
  router.run(a, source);
  sandboxes[0].answer("ready", { id: "a" });
  sandboxes[0].answer("took", { id: "a", request: "run" });
  sandboxes[0].answer("ran", { id: "a", ok: true, controls: "", message: "", line: null });
  sandboxes[0].answer("frame", frame("a"));
}

/**
 * The figure's next run never finishes: its sandbox's worker is stopped at run_timeout (20 s).
 * @param {Router} router @param {ReturnType<typeof routed>["a"]} a
 */
function ranAway(router, a) {
  router.run(a, "while True: pass");
  sandboxes[0].answer("took", { id: "a", request: "run" });
  mock.timers.tick(20_000);
}

/**
 * From now on, `then` runs as the figure is told its sandbox ended (as Figure.ran does its
 * own work then), after the outcome is recorded.
 * @param {FakeFigure} a @param {() => void} then
 */
function whenGone(a, then) {
  const told = a.ran.bind(a);
  a.ran = (outcome, source, gone) => {
    told(outcome, source, gone);
    if (gone) then();
  };
}

test("a sandbox stopped after its code drew: the figure's own code draws again, told why", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  router.render(a); // never taken: a timer of the code's holds its worker
  // Told, the figure puts its own controls back (Figure.ran): only then is its code asked.
  // A figure still loading asks for a frame itself as it is told: not of the ended sandbox.
  whenGone(a, () => {
    a.controls = { n: 28 };
    router.render(a);
  });
  mock.timers.tick(5_000);
  assert.equal(sandboxes[0].terminated, true);
  const outcome = a.of("ran").at(-1);
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "good", "held"]);
  // It ran (and drew): not "could not run it".
  assert.equal(outcome.message, "This code drew, then did not answer within 5 s and was stopped.");
  assert.deepEqual(shared.of("render").map((r) => [r.id, r.state]), [["a", { n: 28 }]]);
  assert.equal(sandboxes[0].of("render").length, 1, "nothing more asked of it");
  mock.timers.tick(15_000);
  assert.equal(a.of("ran").length, 2, "told once");
  router.render(a);
  assert.equal(sandboxes.length, 1, "its frames come from the shared worker again");
});

test("a run asked of a held sandbox, never taken, is told it did not run, not that it drew", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  router.run(a, "fresh"); // never taken: a timer of the good code's holds its worker
  mock.timers.tick(20_000);
  const outcome = a.of("ran").at(-1);
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "fresh", "held"]);
  // Nor did the code that drew, held by it, answer: that is said, not that this code hangs.
  assert.equal(outcome.message, "Python could not run it: the code that drew before it did not answer within 5 s and was stopped.");
});

test("a restarted sandbox that fails before the last good code draws there: it is not said to have drawn", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  ranAway(router, a);
  sandboxes[1].answer("error", { id: "a", message: "MemoryError", detail: "" });
  const outcome = a.of("ran").at(-1);
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "good", "failed"]);
  // It drew, in the worker the runaway edit ended: that restart is said.
  assert.equal(outcome.message, "Python was restarted and could not run this code again: MemoryError");
});

test("a sandbox held before any code drew there is named as what was stopped", () => {
  const { router, a } = routed();
  router.run(a, "fresh");
  sandboxes[0].answer("ready", { id: "a" });
  sandboxes[0].answer("took", { id: "a", request: "run" });
  sandboxes[0].answer("ran", { id: "a", ok: false, controls: "", message: "NameError", line: 1 });
  router.run(a, "again"); // never taken: the failed code's timer holds the worker
  mock.timers.tick(5_000);
  const outcome = a.of("ran").at(-1);
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "again", "held"]);
  assert.equal(outcome.message, "Python could not run it: its sandbox did not answer within 5 s and was stopped.");
});

test("the last good code, run again after a restart, that never finishes ends the sandbox as stopped", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "kept");
  ranAway(router, a);
  sandboxes[1].answer("ready", { id: "a" });
  sandboxes[1].answer("took", { id: "a", request: "run" });
  mock.timers.tick(20_000); // "kept", run again, never finishes either
  const outcome = a.of("ran").at(-1);
  // Stopped, so its kept copy is marked (Figure.ran), not merely failed.
  assert.deepEqual([outcome.ok, outcome.source, outcome.gone], [false, "kept", "stopped"]);
  assert.equal(sandboxes.length, 2, "no third sandbox, with nothing to run");
});

test("an edit that raises in its sandbox ends it as failed, not held (its kept copy is not marked)", () => {
  const { router, a } = routed();
  drewInSandbox(router, a, "good");
  router.render(a);
  sandboxes[0].answer("took", { id: "a", request: "render" });
  // A figure still loading (the shared worker restarting) asks for a frame as it is told.
  whenGone(a, () => router.render(a));
  sandboxes[0].answer("error", { id: "a", message: "ValueError: not at this n", detail: "" });
  assert.deepEqual(a.of("ran").map((o) => [o.ok, o.gone]), [[true, undefined], [false, "failed"]]);
  // It drew before it raised: not "could not run it".
  assert.equal(a.of("ran")[1].message, "This code drew, then stopped with ValueError: not at this n");
  assert.equal(sandboxes[0].terminated, true);
  assert.equal(sandboxes[0].of("render").length, 1, "the frame is asked of the shared worker");
  mock.timers.tick(15_000);
  assert.equal(a.of("ran").length, 2, "told once: no watch on the ended sandbox");
});

test("a sandbox that cannot start ends the run waiting for it, and the shipped code draws again", () => {
  const { router, a } = routed();
  router.run(a, "edited");
  sandboxes[0].answer("error", { message: "its sandbox could not start", detail: "" });
  assert.deepEqual(a.of("ran").map((o) => [o.ok, o.message, o.source]), [[false, "Python could not run it: its sandbox could not start", "edited"]]);
  assert.equal(sandboxes[0].terminated, true);
  assert.deepEqual(shared.of("render").map((r) => r.id), ["a"]);
});

test("a sandbox started ahead (the editor opened) waits, ready, and the first run goes straight to it", () => {
  const { router, a } = routed();
  a.state = "live";
  router.prepare(a);
  const [sandbox] = sandboxes;
  sandbox.answer("ready", { id: "a" });
  assert.equal(sandbox.terminated, false, "ready with nothing to run, it stays");
  assert.deepEqual(shared.of("render"), [], "the shipped code goes on drawing as it was");
  assert.equal(router.run(a, "edited"), true);
  assert.deepEqual(sandbox.of("run").map((r) => r.source), ["edited"]);
  assert.equal(sandboxes.length, 1);
});

test("a sandbox started ahead that cannot start goes quietly; the first run starts another", () => {
  const { router, a } = routed();
  a.state = "live";
  router.prepare(a);
  sandboxes[0].answer("error", { message: "its sandbox could not start", detail: "" });
  assert.equal(sandboxes[0].terminated, true);
  assert.deepEqual(a.calls.filter(([name]) => name === "fail" || name === "ran"), [], "the figure stays as it was");
  router.run(a, "edited");
  assert.equal(sandboxes.length, 2);
  sandboxes[1].answer("ready", { id: "a" });
  assert.deepEqual(sandboxes[1].of("run").map((r) => r.source), ["edited"]);
});

test("no sandbox starts ahead while the figure itself still starts: two Pythons would slow both", () => {
  const { router, a } = routed();
  a.state = "loading";
  router.prepare(a);
  assert.equal(sandboxes.length, 0);
});

test("a sandbox that cannot even be made says so at its run, and the next run tries another", () => {
  let made = 0;
  const { router, a } = routed(() => {
    if (made++ === 0) throw new Error("no template");
    return new FakeWorker();
  });
  assert.equal(router.run(a, "edited"), false);
  assert.match(a.of("fail")[0], /could not start \(no template\)/);
  assert.equal(router.run(a, "edited"), true);
  assert.equal(made, 2);
});
