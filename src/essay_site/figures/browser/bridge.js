// @ts-check
// The bridge between the page's figures and their Python worker: it starts the worker, sends
// each figure's requests, answers the worker's messages, and watches both for silence.
//
// Scheduling rules, each tested in tests/browser_layer/bridge.test.mjs with a fake worker:
// - A figure has at most one request with the worker; input while it waits is coalesced
//   into one request for the latest state, sent when the answer comes.
// - One run (a reader's edit, a link's code) at a time per figure; frames asked for before it
//   do not end its watch. Runs are asked only of a sandbox's bridge, whose worker serves one
//   figure: no run waits behind another figure's request.
// - The worker answers one request at a time, in the order asked, and says when it takes
//   one ("took"). Only the request it took is watched, and every message it sends restarts
//   that watch: a worker silent for render_timeout (run_timeout for a run: a reader's module
//   is imported first, slowly on a slow computer) with a request taken is stuck on that
//   one, and that figure is the one stopped. Silence before the worker takes a request
//   (it is loading another figure's packages) is the runtime's, never blamed on a figure.
//   The worker is restarted without the stuck one; the others come back, a reader's last
//   good edit run again.
// - A worker with every figure live and no request taken takes the next at once: one left
//   untaken for render_timeout means the worker is held outside any figure's request (a
//   timer of a reader's code that never returns; a browser's own stall, seen in Firefox). The
//   site's worker is restarted for every figure, none blamed; a sandbox's, running code that
//   is not the site's, is stopped, and its figure goes back to its own code.
// - A worker that says nothing for busy_timeout while figures wait on it (a start-up step that
//   never ends) is stopped and fails them, never an endless spinner. The bound is generous: a
//   slow computer's silent steps (compiling, starting Python, importing) are not a stall. A
//   stalled download the worker finds itself, sooner (runtime_timeout, downloads.js).

/** @typedef {"static" | "loading" | "live" | "error"} FigureState */

/**
 * What the bridge needs of a figure (figure.js). fail's held: a watch stopped the code that held
 * the worker, and the message says what became of that code without naming it ("did not answer
 * within 5 s and was stopped."): each client names it as its reader knows it.
 * @typedef {{
 *   readonly id: string,
 *   readonly state: FigureState,
 *   spec(): Protocol.FigureSpec,
 *   values(): Protocol.ControlState,
 *   progress(progress: Protocol.ToPage["progress"]): void,
 *   live(): void,
 *   paint(frame: Protocol.Frame): boolean,
 *   ran(outcome: Protocol.ToPage["ran"], source: string, gone?: "failed" | "held" | "stopped"): void,
 *   fail(message: string, held?: boolean): void,
 *   restarting(): void,
 * }} Client
 */

/**
 * Where one figure's requests stand: taken is the request the worker is working on, if any.
 * running is the source of a reader's run under way.
 * @typedef {{ ready: boolean, busy: boolean, pending: boolean, running: string | null,
 *   taken: Protocol.ToPage["took"]["request"] | null,
 *   timer: ReturnType<typeof setTimeout> | undefined }} Channel
 */

/**
 * @typedef {object} BridgeOptions
 * @property {() => Worker} createWorker
 * @property {Protocol.ToWorker["boot"]} boot What the worker needs to start Python.
 * @property {number} busySeconds The site's busy_timeout.
 * @property {number} renderSeconds The site's render_timeout.
 * @property {number} runSeconds The site's run_timeout.
 * @property {boolean} [sandboxed] Whether it runs one figure's code that is not the site's.
 */

export class Bridge {
  /** @param {BridgeOptions} options */
  constructor({ createWorker, boot, busySeconds, renderSeconds, runSeconds, sandboxed = false }) {
    this.createWorker = createWorker;
    this.bootData = boot;
    this.busySeconds = busySeconds;
    this.renderSeconds = renderSeconds;
    this.runSeconds = runSeconds;
    this.sandboxed = sandboxed;
    /** @type {Map<string, Client>} */
    this.figures = new Map();
    /** @type {Map<string, Channel>} */
    this.channels = new Map();
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Protocol.ToPage["progress"]} */
    this.lastProgress = { step: 0, label: "Starting Python", loaded: 0, total: 0 };
    /** @type {string | null} */
    this.runtimeError = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.watchdog = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} The watch on a request left untaken. */
    this.untaken = undefined;
  }

  /** Boot Python and hand it the figures. @param {Client[]} figures */
  start(figures) {
    this.boot();
    for (const figure of figures) {
      this.figures.set(figure.id, figure);
      this.channels.set(figure.id, idle());
    }
    if (this.runtimeError) {
      this.failAll(this.runtimeError);
      return;
    }
    figures.forEach((figure) => figure.progress(this.lastProgress));
    this.post("start", { figures: figures.map((figure) => figure.spec()) });
    this.arm();
  }

  /** Ask for a frame of the figure's current state (coalesced while one is awaited). @param {Client} figure */
  render(figure) {
    const channel = this.channel(figure);
    if (!channel.ready) return;
    if (channel.busy) {
      channel.pending = true;
      return;
    }
    this.ask(figure, "render", { id: figure.id, state: figure.values() });
  }

  /**
   * Run a reader's source in place of the figure's module; false if it cannot run now.
   * @param {Client} figure
   * @param {string} source
   */
  run(figure, source) {
    const channel = this.channel(figure);
    if (!channel.ready || channel.running !== null) return false;
    channel.running = source;
    this.ask(figure, "run", { id: figure.id, source, state: figure.values() });
    return true;
  }

  /** @param {Client} figure */
  channel(figure) {
    return /** @type {Channel} */ (this.channels.get(figure.id));
  }

  boot() {
    try {
      this.worker = this.createWorker();
    } catch (error) {
      this.failAll(`the Python worker could not start (${/** @type {Error} */ (error).message}).`);
      return;
    }
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(`the Python worker failed (${event.message || "script error"}).`);
    };
    this.post("boot", this.bootData);
  }

  /** @type {Protocol.Post<Protocol.ToWorker>} */
  post = (type, data) => this.worker?.postMessage({ type, data });

  /**
   * @template {keyof Protocol.ToWorker} K
   * @param {Client} figure
   * @param {K} type
   * @param {Protocol.ToWorker[K]} data
   */
  ask(figure, type, data) {
    const channel = this.channel(figure);
    channel.busy = true;
    this.post(type, data);
    this.expect();
  }

  // Watch, while the worker is idle but for requests it has yet to take (see the rules above).
  expect() {
    // Only a ready figure's request counts: one asked of a worker since restarted without it
    // (a figure in error) stays busy, and no worker will ever take it.
    const asked = () => [...this.figures.values()].filter((f) => this.channel(f).ready && this.channel(f).busy);
    const taken = [...this.channels.values()].some((c) => c.taken);
    if (this.waiting().length || taken || !asked().length) {
      clearTimeout(this.untaken);
      this.untaken = undefined;
    } else if (this.untaken === undefined) {
      this.untaken = watchFor(this.renderSeconds, (late) => {
        this.untaken = undefined;
        if (late) this.expect();
        else this.restart(this.sandboxed ? asked()[0] : null, false);
      });
    }
  }

  /** @param {Client} figure */
  watch(figure) {
    const channel = this.channel(figure);
    clearTimeout(channel.timer);
    const running = channel.taken === "run";
    const seconds = running ? this.runSeconds : this.renderSeconds;
    channel.timer = watchFor(seconds, (late) => (late ? this.watch(figure) : this.restart(figure, running)));
  }

  // The request answered: ask for the latest state if the reader moved meanwhile.
  /** @param {Client} figure */
  settle(figure) {
    const channel = this.channel(figure);
    channel.busy = false;
    if (channel.pending) {
      channel.pending = false;
      this.render(figure);
    }
  }

  /** @param {Client} figure */
  reset(figure) {
    const channel = this.channel(figure);
    clearTimeout(channel.timer);
    channel.busy = channel.pending = false;
    channel.taken = null;
  }

  /** @param {Protocol.ToPageMessage} message */
  receive({ type, data }) {
    // The protocol pairs each type with its data, which TypeScript cannot follow once they
    // are destructured.
    /** @type {(data: Protocol.ToPageMessage["data"]) => void} */ (this.handlers[type])(data);
    this.arm();
    [...this.figures.values()]
      .filter((figure) => this.channel(figure).taken)
      .forEach((figure) => this.watch(figure));
    this.expect();
  }

  // The worker only names the figures start() sent it, hence the casts to Client.
  /** @type {Protocol.Handlers<Protocol.ToPage>} */
  handlers = {
    progress: (progress) => {
      const { id } = progress;
      if (!id) this.lastProgress = progress;
      (id ? [this.figure(id)] : [...this.figures.values()]).forEach((f) => f.progress(progress));
    },
    took: ({ id, request }) => {
      this.channel(this.figure(id)).taken = request;
    },
    ready: ({ id }) => {
      this.channel(this.figure(id)).ready = true;
      this.figure(id).live();
    },
    frame: (data) => {
      const figure = this.figure(data.id);
      const channel = this.channel(figure);
      clearTimeout(channel.timer);
      channel.taken = null;
      // A frame asked for before a reader's run is not that run's outcome: the run goes on.
      const running = channel.running !== null;
      if (!figure.paint(data)) this.reset(figure);
      else if (!running) this.settle(figure);
    },
    ran: (outcome) => this.finishRun(this.figure(outcome.id), outcome),
    error: ({ id, message, detail }) => {
      console.error(`Figure ${id || "runtime"}: ${detail || message}`);
      if (!id) {
        this.failAll(message);
        return;
      }
      this.reset(this.figure(id));
      this.figure(id).fail(message);
    },
  };

  /** @param {string} id */
  figure(id) {
    return /** @type {Client} */ (this.figures.get(id));
  }

  /**
   * @param {Client} figure
   * @param {Protocol.ToPage["ran"]} outcome
   */
  finishRun(figure, outcome) {
    const channel = this.channel(figure);
    const source = channel.running;
    if (source === null) return; // no run under way: a worker may say anything
    clearTimeout(channel.timer);
    channel.running = null;
    channel.taken = null;
    figure.ran(outcome, source);
    if (!outcome.ok) this.settle(figure);
  }

  waiting() {
    return [...this.figures.values()].filter((f) => f.state === "static" || f.state === "loading");
  }

  /** @param {string} message */
  failAll(message) {
    this.runtimeError = this.runtimeError || message;
    for (const figure of this.waiting()) {
      this.reset(figure);
      figure.fail(message);
    }
  }

  // A start-up that never ends must end in an error, never in an endless spinner; its worker
  // (busy for ever, perhaps) is stopped.
  arm() {
    clearTimeout(this.watchdog);
    if (!this.waiting().length) return;
    this.watchdog = watchFor(this.busySeconds, (late) => {
      // A figure whose edit runs in its sandbox goes live there, without a word from here.
      if (late || !this.waiting().length) return this.arm();
      this.worker?.terminate();
      this.failAll(`Python's start-up said nothing for ${this.busySeconds} s and was stopped.`);
    });
  }

  // A frame that never comes (a render stuck in a loop) would hold up every figure, since
  // they share one worker: stop that worker, and start the others afresh in a new one. They
  // come back in the state their controls show; the stuck figure keeps its last picture.
  // A reader's run that never finishes is theirs to fix: that figure restarts too, as it
  // was before the run, and its outcome says what happened.
  /**
   * @param {Client | null} stuck The figure stopped, if any (none: the worker stalled).
   * @param {boolean} running Whether the request it is stuck on is a reader's run.
   */
  restart(stuck, running) {
    this.worker?.terminate();
    clearTimeout(this.untaken);
    this.untaken = undefined;
    for (const channel of this.channels.values()) channel.ready = false;
    const seconds = running ? this.runSeconds : this.renderSeconds;
    if (stuck && running) {
      const message = `This code did not finish within ${seconds} s and was stopped.`;
      this.finishRun(stuck, { id: stuck.id, ok: false, controls: "", message, line: null });
    } else if (stuck) {
      this.reset(stuck);
      const after = this.sandboxed ? " and was stopped" : ", so Python was restarted without it";
      stuck.fail(`did not answer within ${seconds} s${after}.`, true);
    }
    const others = [...this.figures.values()].filter((figure) => figure.state !== "error");
    for (const figure of others) {
      this.reset(figure);
      figure.restarting();
    }
    if (!others.length) return; // none left to draw (a sandbox's figure went back to the shared worker)
    this.boot();
    this.post("start", { figures: others.map((figure) => figure.spec()) });
    this.arm();
  }
}

/**
 * setTimeout for a watch on the worker. A timer that fires over a second late means the page
 * itself was held (frozen in a background tab, or its main thread busy), and the worker's
 * messages from meanwhile are yet to be read: `fire` is then told it is late, and the watch
 * starts again, so that only the worker's own silence sets it off.
 * @param {number} seconds
 * @param {(late: boolean) => void} fire
 */
function watchFor(seconds, fire) {
  // The wall clock (the tests move it), not the page's own: it goes on while the page is held.
  const due = Date.now() + seconds * 1000;
  return setTimeout(() => fire(Date.now() - due > 1000), seconds * 1000);
}

/** @returns {Channel} */
function idle() {
  return { ready: false, busy: false, pending: false, running: null, taken: null, timer: undefined };
}
