// @ts-check
// The generic browser layer of every figure: start the Python worker, wire the native
// controls, paint what Python draws. No figure has code of its own here.
//
// DOM contract: each figure root has data-widget="<module>" and data-state, one of
// static (pre-rendered), loading, live or error. When a new frame is in place the root
// dispatches a figure:frame event. The names are the build's (figures/contract.py), read below.
//
// Loaded from <head> on pages with figures, so Python starts booting before the body
// has even been read.
//
// The messages to and from the worker are described in ../protocol.d.ts.
(() => {
  "use strict";

  /** @typedef {"static" | "loading" | "live" | "error"} FigureState */

  // A classic <script>, so currentScript is set while this first runs.
  const SCRIPT = /** @type {HTMLScriptElement} */ (document.currentScript);
  const ASSETS = new URL("./", SCRIPT.src);
  // Names and paths shared with the build (figures/contract.py), handed over by it.
  const CONTRACT = /** @type {Protocol.Contract} */ (JSON.parse(/** @type {string} */ (SCRIPT.dataset.contract)));
  const { classes: CLASSES, steps: STEPS, frameEvent: FRAME_EVENT } = CONTRACT;
  const PYODIDE = new URL(CONTRACT.runtime, ASSETS).href;
  const MODULES = new URL(CONTRACT.modules, ASSETS).href;
  // What the runtime downloads (file name -> bytes), written by the build, for byte progress.
  const SIZES = /** @type {Record<string, number>} */ (JSON.parse(SCRIPT.dataset.sizes || "{}"));
  const MB = 1e6;

  /**
   * The editor module's factory (codemirror/editor.mjs).
   * @typedef {{ view: { focus(): void }, text(): string, setText(text: string): void,
   *   mark(line: number | null, message: string): void }} Editor
   * @typedef {(parent: HTMLElement, doc: string,
   *   options: { run: () => void, label: string }) => Editor} EditorFactory
   */

  /**
   * @param {string} label
   * @param {() => void} action
   */
  function button(label, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }

  /**
   * Put ``text`` on the clipboard, and say so on the button that asked.
   * @param {string} text
   * @param {Element} button
   * @param {string} said
   */
  async function copy(text, button, said) {
    await navigator.clipboard.writeText(text);
    button.textContent = said;
  }

  // Layers are what Python draws into a canvas: RGBA pixels, or polygons and lines, in the
  // canvas's own coordinates. The page as built shows the same layers as SVG, which the
  // browser draws at the screen's resolution; so a canvas with shapes gets as many pixels as
  // it has on screen, or its lines would blur the moment the figure goes live. Images are
  // scaled smoothly, as SVG scales them. One rule for both: essay_site/figures/api.py, Shapes.
  /**
   * @param {HTMLElement} output
   * @param {Protocol.Layer[]} layers
   * @param {Map<string, number>} shown On-screen width of each canvas (the last picture's).
   */
  function paintLayers(output, layers, shown) {
    /** @type {Map<string, Protocol.Layer[]>} */
    const byCanvas = new Map();
    for (const layer of layers) {
      byCanvas.set(layer.canvas, [...(byCanvas.get(layer.canvas) || []), layer]);
    }
    for (const [name, own] of byCanvas) {
      const canvas = /** @type {HTMLCanvasElement} */ (
        output.querySelector(`canvas[data-canvas="${name}"]`)
      );
      const { width, height } = canvas;
      // A size of 0 means the browser has not laid the figure out (off screen): assume the
      // common case, a picture shown larger than its canvas, rather than a blurred one.
      const onScreen = shown.get(name) || canvas.clientWidth;
      const sharp = onScreen ? Math.ceil((onScreen * devicePixelRatio) / width) : 2;
      const scale = own.some((layer) => layer.kind === "shapes") ? Math.max(1, sharp) : 1;
      [canvas.width, canvas.height] = [width * scale, height * scale];
      const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
      context.scale(scale, scale);
      for (const layer of own) {
        if (layer.kind === "raster") paintRaster(context, layer, scale);
        else paintShapes(context, layer);
      }
    }
  }

  /**
   * @param {CanvasRenderingContext2D} context
   * @param {Protocol.Raster} layer
   * @param {number} scale
   */
  function paintRaster(context, layer, scale) {
    const pixels = new Uint8ClampedArray(layer.data.buffer, layer.data.byteOffset, layer.data.length);
    const image = new ImageData(pixels, layer.width, layer.height);
    if (scale === 1) {
      context.putImageData(image, 0, 0);
      return;
    }
    const source = document.createElement("canvas");
    [source.width, source.height] = [layer.width, layer.height];
    /** @type {CanvasRenderingContext2D} */ (source.getContext("2d")).putImageData(image, 0, 0);
    context.drawImage(source, 0, 0, layer.width, layer.height);
  }

  /**
   * @param {CanvasRenderingContext2D} context
   * @param {Protocol.Shapes} layer
   */
  function paintShapes(context, layer) {
    const points = new Float32Array(layer.points.buffer, layer.points.byteOffset, layer.points.length / 4);
    const step = layer.vertices * 2;
    context.lineWidth = layer.width;
    context.lineJoin = "round";
    for (let shape = 0; shape * step < points.length; shape++) {
      const base = shape * step;
      context.beginPath();
      context.moveTo(points[base], points[base + 1]);
      for (let i = 2; i < step; i += 2) context.lineTo(points[base + i], points[base + i + 1]);
      if (layer.closed) context.closePath();
      // Each shape is filled in its colour, if it has one, and outlined in the stroke colour,
      // or else in its fill (which hides seams between neighbouring polygons).
      const f = layer.fill && layer.fill.subarray(shape * 4, shape * 4 + 4);
      const fill = f && `rgba(${f[0]},${f[1]},${f[2]},${f[3] / 255})`;
      if (fill) {
        context.fillStyle = fill;
        context.fill();
      }
      context.strokeStyle = /** @type {string} */ (layer.stroke || fill);
      context.stroke();
    }
  }

  class Figure {
    // The markup is the build's (figures/plugin.py), so every part is there.
    /**
     * @param {HTMLElement} root
     * @param {Protocol.Post<Protocol.ToWorker>} post
     * @param {(figure: Figure, running: boolean) => void} hung Called when a frame (or a
     *   reader's run) does not come in time.
     */
    constructor(root, post, hung) {
      this.root = root;
      this.post = post;
      this.hung = hung;
      this.timer = 0;
      this.asked = 0; // when this figure last asked the worker for something (see watch)
      this.form = /** @type {HTMLElement} */ (root.querySelector(`.${CLASSES.controls}`));
      this.output = /** @type {HTMLElement} */ (root.querySelector(`.${CLASSES.output}`));
      this.alt = /** @type {HTMLElement} */ (root.querySelector(`.${CLASSES.alt}`));
      this.announce = /** @type {HTMLElement} */ (root.querySelector(`.${CLASSES.announce}`));
      this.announcing = 0;
      this.status = /** @type {HTMLElement} */ (root.querySelector(`.${CLASSES.status}`));
      this.bar = /** @type {HTMLProgressElement} */ (this.status.querySelector("progress"));
      this.text = /** @type {HTMLSpanElement} */ (this.status.querySelector("span"));
      this.ready = false;
      this.busy = false;
      this.step = 0;
      this.label = "";
      this.bytes = "";
      this.pending = false;
      this.form.addEventListener("input", () => {
        this.request();
        this.remember();
      });
      this.remembering = 0;
      /** @type {string | null} */
      this.edited = null;
      this.running = "";
      /** @type {string | null} The shipped source, once the reader has opened it. */
      this.shipped = null;
      /** @type {(Editor & { error: HTMLElement }) | null} */
      this.editor = null;
      this.linkButton = /** @type {HTMLButtonElement} */ (this.status.querySelector("button"));
      this.code = /** @type {HTMLDetailsElement} */ (this.root.querySelector(`details.${CLASSES.code}`));
      this.linkButton.addEventListener("click", () => this.copyLink());
      this.form.addEventListener("click", (event) => {
        const button = /** @type {HTMLButtonElement | null} */ (
          /** @type {Element} */ (event.target).closest("button[name]")
        );
        if (!button) return;
        button.value = String(Number(button.value) + 1);
        this.request();
      });
      this.enableDrag();
      this.enableCode();
      this.recall();
    }

    // A reader's edits are kept in this browser, per figure, with the version of the module
    // they were made on: the same version runs them again; another one asks first.
    get keeping() {
      return { key: `essay-edit:${this.root.dataset.widget}`, version: this.code.dataset.version || "" };
    }

    recall() {
      const { key, version } = this.keeping;
      /** @type {{ version: string, source: string } | null} */
      let kept = null;
      try {
        kept = JSON.parse(localStorage.getItem(key) || "null");
      } catch {
        return; // no storage here (or not ours to read): nothing kept
      }
      if (!kept || typeof kept.source !== "string") return;
      if (kept.version === version) {
        this.edited = kept.source;
        this.root.dataset.edited = "";
        return;
      }
      const source = kept.source;
      const ask = document.createElement("p");
      ask.className = "gm-code__ask";
      ask.textContent = "You edited this figure's Python for an earlier version of the essay. ";
      const forget = () => {
        ask.remove();
        localStorage.removeItem(key);
      };
      ask.append(
        button("Run my edit", () => {
          ask.remove();
          this.edited = source;
          this.root.dataset.edited = "";
          this.run(source);
        }),
        button("Discard it", forget),
      );
      this.status.after(ask);
    }

    /** @param {string | null} source The edit to keep, or null to forget it. */
    keep(source) {
      const { key, version } = this.keeping;
      try {
        if (source === null) localStorage.removeItem(key);
        else localStorage.setItem(key, JSON.stringify({ version, source }));
      } catch {
        // Storage full or off: the edit still runs, it is just not kept.
      }
    }

    // The "Python" disclosure: the highlighted source is fetched the first time it opens
    // (nothing before), and each file has a copy button.
    enableCode() {
      const code = this.code;
      code.addEventListener("toggle", async () => {
        if (!code.open || code.dataset.loaded) return;
        code.dataset.loaded = "loading";
        try {
          const response = await fetch(new URL(/** @type {string} */ (code.dataset.source), ASSETS));
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const body = document.createElement("div");
          body.innerHTML = await response.text(); // the build's own markup, from this site
          code.querySelector(":scope > p")?.remove(); // the link to the file, for no-script
          code.append(body);
          code.dataset.loaded = "yes";
          this.offerEditing(code, body);
        } catch (error) {
          delete code.dataset.loaded; // the link to the file is still there; try again later
          console.warn(`Figure ${this.id}: its source could not be loaded.`, error);
        }
      });
      code.addEventListener("click", (event) => {
        const button = /** @type {Element} */ (event.target).closest(`.${CLASSES.copy}`);
        const text = button?.parentElement?.querySelector("code")?.textContent;
        if (button && typeof text === "string") copy(text, button, "Copied");
      });
    }

    // Sliders declared with drag="x" or "y" also follow a drag across the picture (mouse,
    // pen or touch) and the arrow keys while the picture has focus.
    enableDrag() {
      const bound = /** @type {HTMLInputElement[]} */ ([
        ...this.form.querySelectorAll("input[data-drag]"),
      ]);
      if (!bound.length) return;
      // Each slider is inside its <label> (essay_site/figures/api.py), so `labels` is never null.
      const names = bound
        .map((input) =>
          /** @type {NodeListOf<HTMLLabelElement>} */ (input.labels)[0].textContent.trim(),
        )
        .join(" and ");
      this.output.dataset.drag = "";
      this.output.tabIndex = 0;
      this.output.setAttribute("aria-label", `Drag, or use the arrow keys, to change ${names}`);
      /**
       * @param {number} dx
       * @param {number} dy
       */
      const nudge = (dx, dy) => {
        for (const input of bound) {
          const delta = input.dataset.drag === "x" ? dx : dy;
          if (!delta) continue;
          const min = Number(input.min);
          const span = Number(input.max) - min;
          let value = Number(input.value) + delta * Number(input.dataset.perPixel);
          if ("wrap" in input.dataset) value = min + (((value - min) % span) + span) % span;
          input.value = String(value);
        }
        this.request();
      };
      /** @type {[number, number] | null} */
      let last = null;
      this.output.addEventListener("pointerdown", (event) => {
        last = [event.clientX, event.clientY];
        // Keep following the pointer outside the picture; synthetic events have no pointer.
        if (event.isTrusted) this.output.setPointerCapture(event.pointerId);
      });
      this.output.addEventListener("pointermove", (event) => {
        if (!last) return;
        const [x, y] = last;
        last = [event.clientX, event.clientY];
        nudge(event.clientX - x, y - event.clientY);
      });
      const stop = () => (last = null);
      this.output.addEventListener("pointerup", stop);
      this.output.addEventListener("pointercancel", stop);
      /** @type {Record<string, [number, number]>} */
      const keys = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, 10], ArrowDown: [0, -10] };
      this.output.addEventListener("keydown", (event) => {
        if (!(event.key in keys)) return;
        event.preventDefault();
        nudge(...keys[event.key]);
      });
    }

    get id() {
      return this.root.id;
    }

    /** @param {FigureState} value */
    set state(value) {
      this.root.dataset.state = value;
    }

    // The build writes data-state="static"; from then on only the setter writes it.
    get state() {
      return /** @type {FigureState} */ (this.root.dataset.state);
    }

    // What a <form>'s elements would be: every control, in document order.
    get controls() {
      return [...this.form.querySelectorAll("button, input, output, select")];
    }

    // The controls' values, typed as Python should see them.
    values() {
      /** @type {Protocol.ControlState} */
      const state = {};
      // Every control here (input, select, button, output) has the name, type and value
      // of an input; `checked` is only read from checkboxes.
      for (const element of /** @type {HTMLInputElement[]} */ (this.controls)) {
        if (!element.name) continue;
        if (element.type === "checkbox") state[element.name] = element.checked;
        else if (element.type === "range" || element.type === "button") {
          state[element.name] = Number(element.value);
        } else state[element.name] = element.value;
      }
      return state;
    }

    showValues() {
      for (const output of this.form.querySelectorAll("output")) {
        const input = /** @type {HTMLInputElement | null} */ (
          this.form.querySelector(`#${CSS.escape(output.htmlFor.value)}`)
        );
        if (input) output.value = `${input.value}${output.dataset.unit || ""}`;
      }
    }

    // Ask Python for a frame; while one is being drawn, keep only the latest request.
    request() {
      this.showValues();
      if (!this.ready) return;
      if (this.busy) {
        this.pending = true;
        return;
      }
      this.ask("render", { id: this.id, state: this.values() });
    }

    // Sends the worker a request this figure then waits for (busy, and watched until answered).
    /**
     * @template {keyof Protocol.ToWorker} K
     * @param {K} type
     * @param {Protocol.ToWorker[K]} data
     */
    ask(type, data) {
      this.busy = true;
      this.post(type, data);
      this.asked = ++asked;
      this.watch();
    }

    // While a frame or a run is awaited: a worker silent for render_timeout is stuck. The
    // worker answers one request at a time, so each message it sends restarts every watch.
    watch() {
      clearTimeout(this.timer);
      const running = this.runOutstanding;
      this.timer = setTimeout(() => this.hung(this, running), renderSeconds * 1000);
    }

    get runOutstanding() {
      return this.root.dataset.run === "running";
    }

    // The frame or run awaited has come: ask for the latest state if the reader moved meanwhile.
    settle() {
      this.busy = false;
      if (this.pending) {
        this.pending = false;
        this.request();
      }
    }

    // Steps only go forward; the runtime's byte count (shared by every figure) goes with
    // whichever step a figure is at.
    /** @param {Protocol.ToPage["progress"]} progress */
    progress({ id, step, label, loaded, total }) {
      if (this.state === "static") this.state = "loading";
      if (this.state !== "loading") return;
      if (id || step >= this.step) [this.step, this.label] = [step, label];
      if (total) this.bytes = `: ${(loaded / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB`;
      this.bar.value = this.step;
      this.text.textContent = `${this.label}${this.bytes || "…"} (step ${this.step} of ${STEPS})`;
    }

    live() {
      this.ready = true;
      this.bar.value = STEPS;
      this.fromURL();
      // Back after a restart: a reader's last good edit runs again in the new worker.
      if (this.edited) this.run(this.edited);
      else this.request();
    }

    // Editing: "Edit" turns the module's source into a code editor (CodeMirror, loaded only
    // now); "Run" (or Ctrl/Cmd+Enter) runs it in place of the module, in this page's worker.
    // An edit that fails says where, and the figure goes on as it was.
    /**
     * @param {HTMLDetailsElement} code
     * @param {HTMLElement} body
     */
    offerEditing(code, body) {
      const file = /** @type {HTMLElement} */ (body.querySelector(`.${CLASSES.codeFile}`));
      const shipped = /** @type {HTMLElement} */ (file.querySelector("code")).textContent || "";
      this.shipped = shipped;
      const tools = document.createElement("div");
      tools.className = CLASSES.edit;
      tools.innerHTML =
        '<button type="button" data-edit>Edit</button>' +
        '<p class="gm-code__note">An edit runs only in this page\'s own Python worker, ' +
        "on this device: nothing is sent anywhere.</p>" +
        '<p class="gm-code__error" role="alert"></p>';
      body.prepend(tools);
      const error = /** @type {HTMLElement} */ (tools.querySelector(".gm-code__error"));
      const edit = /** @type {HTMLButtonElement} */ (tools.querySelector("[data-edit]"));
      edit.addEventListener("click", async () => {
        edit.disabled = true;
        /** @type {{ createEditor: EditorFactory }} */
        const { createEditor } = await import(new URL(CONTRACT.editor, ASSETS).href);
        const place = /** @type {HTMLElement} */ (file.querySelector(".highlight"));
        const holder = document.createElement("div");
        place.replaceWith(holder);
        const run = () => this.run(editor.text());
        const editor = createEditor(holder, this.edited ?? shipped, {
          run,
          label: `Python source of ${this.root.dataset.widget}.py (Escape, then Tab, leaves)`,
        });
        this.editor = { ...editor, error };
        edit.replaceWith(
          button("Run (Ctrl+Enter)", run),
          button("Reset", () => {
            editor.setText(shipped);
            this.run(shipped);
          }),
          button("Download", () => {
            const link = document.createElement("a");
            link.href = URL.createObjectURL(new Blob([editor.text()], { type: "text/x-python" }));
            link.download = `${this.root.dataset.widget}.py`;
            link.click();
            URL.revokeObjectURL(link.href);
          }),
        );
        editor.view.focus();
      });
    }

    // Runs a source in place of the figure's module; until the outcome, frames wait.
    /** @param {string} source */
    run(source) {
      // One run at a time: a second would end the first's watch with its outcome.
      if (!this.ready || this.runOutstanding) return;
      this.root.dataset.run = "running";
      this.running = source;
      this.ask("run", { id: this.id, source, state: this.values() });
    }

    /** @param {Protocol.ToPage["ran"]} outcome */
    ran({ ok, controls, message, line }) {
      clearTimeout(this.timer);
      this.root.dataset.run = ok ? "ok" : "error";
      if (ok) {
        const original = this.running === this.shipped;
        this.edited = original ? null : this.running;
        this.keep(this.edited);
        if (original) delete this.root.dataset.edited;
        else this.root.dataset.edited = "";
        if (controls) {
          this.form.querySelectorAll(`:scope > :not(.${CLASSES.legend})`).forEach((e) => e.remove());
          this.form.insertAdjacentHTML("beforeend", controls);
        }
      } else {
        this.settle();
      }
      if (this.editor) {
        this.editor.error.textContent = ok ? "" : `${line ? `Line ${line}: ` : ""}${message}`;
        this.editor.mark(ok ? null : line, message);
      }
    }

    // Shareable state: ?<figure>.<control>=<value>, e.g. ?pixel_explosion.n=28. A URL is
    // anyone's: its values only ever set a native control, which keeps a number within the
    // slider's range and a choice among the menu's options; anything else is ignored.
    fromURL() {
      const prefix = `${this.root.dataset.widget}.`;
      for (const [key, value] of new URLSearchParams(location.search)) {
        if (!key.startsWith(prefix)) continue;
        const control = this.form.querySelector(`[name="${CSS.escape(key.slice(prefix.length))}"]`);
        if (control instanceof HTMLSelectElement) {
          if ([...control.options].some((option) => option.value === value)) control.value = value;
        } else if (control instanceof HTMLInputElement && control.type === "checkbox") {
          control.checked = value === "1";
        } else if (control instanceof HTMLInputElement && control.type === "range") {
          if (value.trim() && Number.isFinite(Number(value))) control.value = String(Number(value));
        }
      }
      this.showValues();
    }

    // The address follows the controls (replaced, not pushed: a drag is not a history), and
    // names only what differs from the figure as built.
    /** @param {URL} url */
    toURL(url) {
      const prefix = `${this.root.dataset.widget}.`;
      for (const control of /** @type {(HTMLInputElement | HTMLSelectElement)[]} */ (this.controls)) {
        if (!control.name || control.type === "button") continue;
        const key = `${prefix}${control.name}`;
        const [now, built] =
          control instanceof HTMLInputElement && control.type === "checkbox"
            ? [control.checked ? "1" : "0", control.defaultChecked ? "1" : "0"]
            : control instanceof HTMLSelectElement
              ? [control.value, [...control.options].find((o) => o.defaultSelected)?.value ?? control.options[0]?.value]
              : [control.value, /** @type {HTMLInputElement} */ (control).defaultValue];
        if (now === built) url.searchParams.delete(key);
        else url.searchParams.set(key, now);
      }
      return url;
    }

    remember() {
      clearTimeout(this.remembering);
      this.remembering = setTimeout(() => {
        const url = this.toURL(new URL(location.href));
        if (url.href !== location.href) history.replaceState(history.state, "", url);
      }, 250);
    }

    // "Link to this view": this figure's state only, and the figure itself as the target.
    copyLink() {
      const url = this.toURL(new URL(location.pathname, location.href));
      url.hash = this.id;
      copy(url.href, this.linkButton, "Link copied");
    }

    /** @param {Protocol.Frame} frame */
    paint({ html, alt, layers }) {
      // A frame asked for before a reader's run is not that run's outcome: its watch stays.
      const running = this.runOutstanding;
      if (!running) clearTimeout(this.timer);
      try {
        // Sizes are read from the picture in place: a canvas just inserted, in a figure the
        // browser is not laying out (off screen), has no size yet.
        const shown = new Map(
          [...this.output.querySelectorAll("[data-canvas]")].map((element) => [
            /** @type {string} */ (/** @type {HTMLElement} */ (element).dataset.canvas),
            element.getBoundingClientRect().width,
          ]),
        );
        this.output.innerHTML = html;
        paintLayers(this.output, layers, shown);
      } catch (error) {
        // A frame the page cannot paint is this figure's error, never a frozen figure.
        console.error(`Figure ${this.id}:`, error);
        this.fail(`its frame could not be painted (${/** @type {Error} */ (error).message}).`);
        return;
      }
      this.alt.textContent = alt;
      // Screen readers hear the state the reader settles on, not every frame of a drag.
      if (this.state === "live") {
        clearTimeout(this.announcing);
        this.announcing = setTimeout(() => (this.announce.textContent = alt), 700);
      }
      if (this.state !== "live") {
        this.state = "live";
        this.status.removeAttribute("role");
        this.text.textContent = "Live: Python is computing this figure in your browser.";
      }
      this.root.dispatchEvent(new CustomEvent(FRAME_EVENT));
      if (!running) this.settle();
    }

    // Keep the last picture; say what went wrong where the figure is.
    /** @param {string} message */
    fail(message) {
      clearTimeout(this.timer);
      this.busy = false;
      this.pending = false;
      this.state = "error";
      this.status.setAttribute("role", "alert");
      this.text.textContent = `This figure could not run: ${message} The picture shows its last state.`;
    }
  }

  // Boot the runtime at once, from <head>, while the browser is still reading the page;
  // the figures are handed over when the document is parsed.
  /** @type {Map<string, Figure>} */
  const figures = new Map();
  /** @type {Protocol.ToPage["progress"]} */
  let lastProgress = { step: 0, label: "Starting Python", loaded: 0, total: 0 };
  /** @type {string | null} */
  let runtimeError = null;
  /** @type {Worker | null} */
  let worker = null;
  // Never called without a worker: if boot() could not make one, start() stops before
  // posting and no figure goes live.
  /** @type {Protocol.Post<Protocol.ToWorker>} */
  const post = (type, data) => /** @type {Worker} */ (worker).postMessage({ type, data });
  const waiting = () => [...figures.values()].filter((f) => f.state === "static" || f.state === "loading");
  /** @param {string} message */
  const failAll = (message) => {
    runtimeError = runtimeError || message;
    waiting().forEach((figure) => figure.fail(message));
  };

  // A runtime that stops making progress (e.g. a .wasm served with the wrong type)
  // must end in an error, never in an endless spinner.
  // The site's runtime_timeout option, written by the build onto this script.
  const seconds = Number(SCRIPT.dataset.timeout) || 60;
  // And its render_timeout: how long the worker may be silent while a figure waits.
  const renderSeconds = Number(SCRIPT.dataset.renderTimeout) || 5;
  // Numbers the figures' requests in the order the worker takes them, so that when it falls
  // silent, the first watch to run out is the request it is stuck on.
  let asked = 0;
  let watchdog = 0;
  const arm = () => {
    clearTimeout(watchdog);
    if (!waiting().length) return;
    watchdog = setTimeout(
      () => failAll(`the Python runtime made no progress for ${seconds} s.`),
      seconds * 1000,
    );
  };

  // The worker only names the figures start() sent it, hence the casts to Figure.
  /** @type {Protocol.Handlers<Protocol.ToPage>} */
  const handlers = {
    progress(progress) {
      const { id } = progress;
      if (!id) lastProgress = progress;
      (id ? [/** @type {Figure} */ (figures.get(id))] : [...figures.values()]).forEach((f) =>
        f.progress(progress),
      );
    },
    ready({ id }) {
      /** @type {Figure} */ (figures.get(id)).live();
    },
    frame(data) {
      /** @type {Figure} */ (figures.get(data.id)).paint(data);
    },
    ran(outcome) {
      /** @type {Figure} */ (figures.get(outcome.id)).ran(outcome);
    },
    error({ id, message, detail }) {
      console.error(`Figure ${id || "runtime"}: ${detail || message}`);
      if (id) /** @type {Figure} */ (figures.get(id)).fail(message);
      else failAll(message);
    },
  };

  function boot() {
    try {
      worker = new Worker(new URL("worker.js", ASSETS));
    } catch (error) {
      failAll(`the Python worker could not start (${/** @type {Error} */ (error).message}).`);
      return;
    }
    /** @param {MessageEvent<Protocol.ToPageMessage>} event */
    worker.onmessage = ({ data: { type, data } }) => {
      // The protocol pairs each type with its data, which TypeScript cannot follow once
      // they are destructured.
      /** @type {(data: Protocol.ToPageMessage["data"]) => void} */ (handlers[type])(data);
      arm();
      [...figures.values()]
        .filter((figure) => figure.busy)
        .sort((a, b) => a.asked - b.asked)
        .forEach((figure) => figure.watch());
    };
    worker.onerror = (event) => {
      event.preventDefault();
      failAll(`the Python worker failed (${event.message || "script error"}).`);
    };
    post("boot", { indexURL: PYODIDE, moduleURL: MODULES, shared: CONTRACT.shared, sizes: SIZES });
  }

  /**
   * What the worker needs to start a figure, from the build's attributes.
   * @param {HTMLElement} root
   * @returns {Protocol.FigureSpec}
   */
  const spec = (root) => ({
    id: root.id,
    widget: /** @type {string} */ (root.dataset.widget),
    packages: (root.dataset.packages || "").split(" ").filter(Boolean),
    files: (root.dataset.files || "").split(" ").filter(Boolean),
  });

  // A frame that never comes (a render stuck in a loop) would hold up every figure, since
  // they share one worker: stop that worker, and start the others afresh in a new one. They
  // come back in the state their controls show; the stuck figure keeps its last picture.
  // A reader's run that never finishes is theirs to fix: that figure restarts too, as it
  // was before the run, and the editor says what happened.
  /**
   * @param {Figure} stuck
   * @param {boolean} running
   */
  function restart(stuck, running) {
    /** @type {Worker} */ (worker).terminate();
    if (running) {
      stuck.ran({
        id: stuck.id,
        ok: false,
        controls: "",
        message: `Your code did not finish within ${renderSeconds} s and was stopped.`,
        line: null,
      });
    } else {
      stuck.fail(`it did not answer within ${renderSeconds} s, so Python was restarted without it.`);
    }
    const others = [...figures.values()].filter((figure) => figure.state !== "error");
    for (const figure of others) {
      if (figure.runOutstanding) {
        // A run queued behind the stuck request never started: say so, not that it hung.
        const message = "Python was restarted before your code ran; run it again.";
        figure.ran({ id: figure.id, ok: false, controls: "", message, line: null });
      }
      clearTimeout(figure.timer);
      [figure.ready, figure.busy, figure.pending, figure.step] = [false, false, false, 0];
      figure.state = "loading";
      figure.progress({ step: 1, label: "Restarting Python", loaded: 0, total: 0 });
    }
    boot();
    post("start", { figures: others.map((figure) => spec(figure.root)) });
    arm();
  }

  function start() {
    const roots = /** @type {HTMLElement[]} */ ([...document.querySelectorAll("[data-widget]")]);
    roots.forEach((root) => figures.set(root.id, new Figure(root, post, restart)));
    if (runtimeError) {
      failAll(runtimeError);
      return;
    }
    figures.forEach((figure) => figure.progress(lastProgress));
    post("start", { figures: roots.map(spec) });
    arm();
  }

  // Opened from disk (file://), a page may not start workers: the figures stay as built,
  // and one notice says how to see them live.
  function fromDisk() {
    const notice = document.createElement("div");
    notice.className = `admonition info ${CLASSES.fileNotice}`;
    notice.setAttribute("role", "note");
    notice.innerHTML =
      '<p class="admonition-title">The figures are pictures here</p>' +
      "<p>This page was opened from a file, where browsers do not run the Python behind " +
      "its figures: each shows the picture it was built with. To make them live, serve " +
      "this folder over http, for example with <code>python3 -m http.server</code> in it, " +
      "then open <code>http://localhost:8000/</code>; or read the published site.</p>";
    const first = document.querySelector("[data-widget]");
    if (first) first.before(notice);
  }

  const ready = document.readyState === "loading"
    ? new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve))
    : Promise.resolve();
  if (location.protocol === "file:") ready.then(fromDisk);
  else {
    // Python boots once the page is parsed and the theme has set itself up (the timeout lets
    // every DOMContentLoaded listener run first): booting beside them slows both on a small
    // CPU (the bench's blocking time until live: 109 ms started at once, 32 ms after).
    ready.then(() =>
      setTimeout(() => {
        boot();
        start();
      }, 0),
    );
  }
})();
