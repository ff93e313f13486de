// @ts-check
// The engine smoke tests' page side, shared by every engine (tests/test_engines.py).
//
// Each driver evaluates page.js's text, this file's, and one call, as an async expression:
//   (async () => { <page.js> <this file>; return await scenarios.<name>(<JSON argument>); })()
// through its own evaluate (Playwright, Puppeteer over WebDriver BiDi, WebDriver's execute
// script), which the page's Content-Security-Policy does not govern. So nothing here may use
// eval, new Function or inline scripts: the page forbids them. Every function reads or acts on
// the page as a reader would (by the DOM contract of figures.js) and returns plain JSON for
// the Python side to check; waits end in an Error that says what was still missing.

/** @typedef {{ widget: string, control: string, framed: boolean, changed: boolean }} ControlOutcome */

const scenarios = {
  /** Every figure on the page goes live (none ends in error). @param {{ count: number }} arg */
  async allLive({ count }) {
    const start = performance.now();
    await until(
      () => {
        const failed = roots().find((root) => root.dataset.state === "error");
        if (failed) {
          throw new Error(`${failed.dataset.widget} failed ("${statusOf(failed)}"): ${states()}`);
        }
        return roots().length === count && roots().every((root) => root.dataset.state === "live");
      },
      // Past the page's own watchdog (busy_timeout): a stall ends as the page's error, not here.
      (Number(/** @type {HTMLElement} */ (document.querySelector("[data-busy-timeout]")).dataset.busyTimeout) + 60) * 1000,
      // Which step the first figure not yet live was at (downloading, compiling, starting
      // Python): a slow computer and a stall read differently.
      () => {
        const waiting = roots().find((root) => root.dataset.state !== "live");
        return `${states()}; ${waiting?.dataset.widget} said "${statusOf(waiting)}"`;
      },
    );
    roots().forEach(frameCount);
    return { states: states(), seconds: (performance.now() - start) / 1000 };
  },

  /** Each slider, menu, checkbox and button of each figure brings a new, different picture. */
  async everyControl() {
    /** @type {ControlOutcome[]} */
    const outcomes = [];
    for (const root of roots()) {
      root.scrollIntoView({ block: "center" });
      for (const control of controls(root)) {
        const before = picture(root);
        const name = /** @type {HTMLInputElement} */ (control).name;
        let ok = true;
        try {
          await framed(root, change(control), name);
        } catch {
          ok = false;
        }
        outcomes.push({ widget: /** @type {string} */ (root.dataset.widget), control: name, framed: ok, changed: picture(root) !== before });
      }
    }
    return outcomes;
  },

  /** The pixel explosion's label at n pixels: over (red) or not, and its colour. @param {{ n: number }} arg */
  async pixelLabel({ n }) {
    return label(n);
  },

  /** A figure's control values, as the reader sees them. @param {{ widget: string }} arg */
  async values({ widget }) {
    const root = figure(widget);
    return Object.fromEntries(
      controls(root)
        .filter((e) => !(e instanceof HTMLButtonElement))
        .map((e) => [/** @type {HTMLInputElement} */ (e).name, /** @type {HTMLInputElement} */ (e).value]),
    );
  },

  // An edited figure runs: open its Python, turn it into the editor, type over one number
  // (the DOM selection and execCommand, the path of a reader's typing in every engine), run.
  /** @param {{ widget: string, line: string, from: string, to: string }} arg */
  async editAndRun({ widget, line, from, to }) {
    const root = figure(widget);
    const code = /** @type {HTMLDetailsElement} */ (root.querySelector("details.live-figure__code"));
    code.open = true;
    // An editor opened by an earlier edit stays open.
    if (!code.querySelector(".cm-content")) {
      const edit = await until(() => code.querySelector("button[data-edit]"), 20_000, () => "no Edit button");
      /** @type {HTMLButtonElement} */ (edit).click();
    }
    const content = /** @type {HTMLElement} */ (
      await until(() => code.querySelector(".cm-content"), 20_000, () => "no editor")
    );
    const typed = line.replace(from, to);
    const reached = () => [...content.querySelectorAll(".cm-line")].some((e) => e.textContent === typed);
    // Under load an engine may not have told the editor of the selection yet: the insertion is
    // then refused and nothing changes, so it is tried again (any other change fails at once).
    for (let attempt = 1; ; attempt++) {
      const before = content.textContent;
      await typeOver(content, line, from, to);
      try {
        await until(reached, 5_000, () => "the typed text did not reach the editor");
        break;
      } catch (error) {
        if (attempt === 3 || content.textContent !== before) throw error;
      }
    }
    const run = [...code.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Run"));
    if (!run) throw new Error("no Run button");
    const drawn = frameCount(root);
    run.click();
    const outcome = await ran(root);
    // Code that ran sends its frame after its outcome: a move made before that frame would be
    // answered by it, drawn with the old value (a loaded run in WebKit read that as n=24's).
    if (outcome === "ok") await until(() => frameCount(root) > drawn, RUN_MS, () => "no frame of the run that drew");
    return { run: outcome, error: code.querySelector(".live-code__error")?.textContent || "" };
  },

  // "Copy a link to this edit", with no clipboard (as over plain http): the page then shows
  // the link in a field to copy, which is read here. The figure is edited first if need be.
  /** @param {{ widget: string, line: string, from: string, to: string, n: number }} arg */
  async editLink(arg) {
    const root = figure(arg.widget);
    if (root.dataset.edited === undefined) await this.editAndRun(arg);
    await label(arg.n);
    const copy = named(root, "Copy a link to this edit");
    if (!copy) throw new Error("no 'Copy a link to this edit' button");
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    copy.click();
    const field = await until(
      () => /** @type {HTMLTextAreaElement | null} */ (root.querySelector("textarea.live-copy-field")),
      10_000,
      () => "no link to copy",
    );
    return { link: field.value, alt: root.querySelector(".live-figure__alt")?.textContent };
  },

  // A page opened from such a link: what the figure shows before the reader's consent (the
  // notice, the shipped picture), the change when shown, and what it shows once run.
  /** @param {{ widget: string }} arg */
  async consentToLink({ widget }) {
    const root = figure(widget);
    root.scrollIntoView({ block: "center" });
    const notice = await linkNotice(root);
    const alt = () => root.querySelector(".live-figure__alt")?.textContent;
    const before = { notice: notice.textContent, edited: root.dataset.edited ?? null, run: root.dataset.run ?? null, alt: alt() };
    named(notice, "Show it")?.click();
    const change = await until(() => notice.querySelector("pre:not([hidden])")?.textContent, 10_000, () => "no change shown");
    const run = named(notice, "Run it");
    if (!run) throw new Error("no 'Run it' button");
    await framed(root, () => run.click(), "Run it", RUN_MS);
    return {
      before,
      change,
      run: await ran(root),
      edited: root.dataset.edited,
      alt: alt(),
      kept: Object.keys(localStorage).filter((key) => key.includes(" edit ")),
    };
  },

  // A link to this page that differs from its address in the fragment only, followed as a
  // reader would: the browser does not load the page anew. Once the page has seen the change.
  /** @param {{ hash: string }} arg */
  async follow({ hash }) {
    /** @type {any} */ (window).__engineFollowed = ((/** @type {any} */ (window).__engineFollowed) || 0) + 1;
    const seen = new Promise((resolve) => addEventListener("hashchange", resolve, { once: true }));
    location.hash = hash;
    await seen;
    return true;
  },

  /** How many links were followed on this page: none, once it has been loaded anew. */
  async followed() {
    return /** @type {any} */ (window).__engineFollowed || 0;
  },

  /** What a figure says of a link it does not offer to run. @param {{ widget: string }} arg */
  async refusedLink({ widget }) {
    const notice = await linkNotice(figure(widget));
    await until(() => notice.textContent, 10_000, () => "an empty notice");
    return { text: notice.textContent, buttons: notice.querySelectorAll("button").length };
  },

  // A link's code whose frames carry markup the figure API never makes: once run, what of
  // it reached the page.
  /** @param {{ widget: string }} arg */
  async hostileFrame({ widget }) {
    const root = figure(widget);
    await runOffered(root);
    const output = /** @type {HTMLElement} */ (root.querySelector(".live-figure__output"));
    const kept = /** @type {HTMLElement | null} */ (output.querySelector("[data-hostile]"));
    return {
      run: await ran(root),
      kept: kept && { text: kept.textContent, style: kept.getAttribute("style"), position: getComputedStyle(kept).position },
      forms: output.querySelectorAll("form, input, button, a, iframe, script, foreignObject").length,
      handlers: [...output.querySelectorAll("*")].filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
      ids: output.querySelectorAll("[id]").length,
    };
  },

  /**
   * A worker of the site's own, told to load Python from `url`: the guard's control,
   * requests from a worker to another host. @param {{ url: string }} arg
   */
  async workerElsewhere({ url }) {
    const layer = /** @type {HTMLScriptElement} */ (document.querySelector("script[data-contract]"));
    const worker = new Worker(new URL("worker.js", layer.src), { type: "module" });
    // It fetches its shared modules (one here) while its runtime's loader is imported from there.
    const boot = { indexURL: url, moduleURL: url, shared: ["control.py"], package: "guard", sizes: {}, timeout: 60, snapshots: "engine guard" };
    worker.postMessage({ type: "boot", data: boot });
    /** @type {any} */ (window).__engineGuard = worker;
    return true;
  },

  /** That worker stopped, and the snapshot store its boot opened deleted. */
  async stopWorkerElsewhere() {
    /** @type {any} */ (window).__engineGuard?.terminate();
    await caches.delete("engine guard");
    return true;
  },

  /**
   * A link's code that tries what it must not, once run (hostileFrame): how each attempt ended,
   * as it told the page. The figure is moved meanwhile, so a sandbox held by an attempt that
   * never returns meets its watch: then which attempts were held, and what the figure said.
   * @param {{ widget: string }} arg
   */
  async attacked({ widget }) {
    const root = figure(widget);
    const how = await ran(root);
    if (how !== "ok") throw new Error(`the link's code did not run (${how})`);
    const slider = /** @type {HTMLInputElement} */ (controls(root).find((c) => c instanceof HTMLInputElement && c.type === "range"));
    const stopped = () => root.dataset.run === "error";
    const said = () => `the link's code said, in order: ${attempts.join(", ")}`;
    // Attempts that never settle are waited for 10 s; a loaded machine is slower: a ceiling.
    const end = Date.now() + RUN_MS;
    while (!attempts.includes("attempted all") && !stopped()) {
      if (Date.now() > end) throw new Error(`timed out after ${RUN_MS} ms: ${said()}`);
      await framed(root, change(slider), slider.name, RUN_MS).catch((/** @type {Error} */ error) => {
        throw new Error(`${error.message}; ${said()}`);
      });
      await sleep(500);
    }
    const ended = attempts.filter((label) => label.includes(": ")).map((label) => label.slice("attempted ".length).split(": "));
    const outcomes = Object.fromEntries(ended);
    const begun = attempts.filter((label) => label.startsWith("attempting ")).map((label) => label.slice("attempting ".length));
    return {
      outcomes,
      held: begun.filter((name) => !Object.hasOwn(outcomes, name)),
      done: attempts.includes("attempted all"),
      stopped: stopped() ? await ran(root) : null,
      edited: root.dataset.edited ?? null,
    };
  },

  /** A figure's picture after each of its sliders moves: its state and its text. @param {{ widget: string }} arg */
  async compute({ widget }) {
    const root = figure(widget);
    for (const control of controls(root).filter((c) => c instanceof HTMLInputElement && c.type === "range")) {
      // A worker the browser holds is restarted (render_timeout, then a boot): a ceiling above.
      await framed(root, change(control), /** @type {HTMLInputElement} */ (control).name, RUN_MS);
    }
    const text = root.querySelector(".live-figure__output")?.textContent ?? "";
    return { state: root.dataset.state, text, caches: await caches.keys() };
  },

  /** The editor's Reset: the shipped code runs again and the figure is no longer edited. @param {{ widget: string }} arg */
  async reset({ widget }) {
    const root = figure(widget);
    const button = named(root, "Reset");
    if (!button) throw new Error("no Reset button");
    button.click();
    const back = () => root.dataset.edited === undefined && root.dataset.run === "ok";
    await until(back, RUN_MS, () => `after Reset: run ${root.dataset.run}, edited ${root.dataset.edited}`);
    return true;
  },

  /** Forget the reader's edits kept by this site (figures.js keeps them per placement). */
  async forgetEdits() {
    Object.keys(localStorage)
      .filter((key) => key.startsWith("figures / edit "))
      .forEach((key) => localStorage.removeItem(key));
    return true;
  },

  /** What a page opened from disk shows. */
  async fromDisk() {
    await until(() => document.readyState === "complete", 20_000, () => document.readyState);
    await sleep(1_000); // long enough for a worker to have started, were one to start
    const notices = [...document.querySelectorAll(".live-file-notice")];
    return {
      notices: notices.length,
      text: notices.map((n) => n.textContent).join(),
      states: roots().map((root) => root.dataset.state),
      pictures: roots().map((root) => root.querySelectorAll(".live-figure__output > *").length),
      offlineStatus: document.querySelectorAll(".offline-reading").length,
    };
  },

  /** Wait until the header says the site is saved for offline reading; what it says. */
  async saved() {
    const status = () => document.querySelector(".offline-reading");
    await until(
      () => {
        const text = status()?.textContent || "";
        if (/Could not save|unavailable/.test(text)) throw new Error(text);
        return /** @type {HTMLElement | null} */ (status())?.dataset.offline === "saved";
      },
      150_000,
      () => status()?.textContent || "no offline status",
    );
    return { text: status()?.textContent, controlled: Boolean(navigator.serviceWorker?.controller) };
  },

  /** The header's offline status, if any. */
  async offlineStatus() {
    const status = /** @type {HTMLElement | null} */ (document.querySelector(".offline-reading"));
    return status && { text: status.textContent, saved: status.dataset.offline === "saved" };
  },

  // Print styles, in every engine: each `@media print` rule of the site's own stylesheets
  // is made to apply on screen too (CSSOM, which the page's CSP does not govern).
  /** What the pixel explosion shows when printed. */
  async printed() {
    /** @type {CSSMediaRule[]} */
    const changed = [];
    for (const sheet of document.styleSheets) {
      /** @type {CSSRuleList | null} */
      let list = null;
      try {
        list = sheet.cssRules;
      } catch {
        continue; // another origin's sheet: none should exist
      }
      for (const rule of list) {
        if (rule instanceof CSSMediaRule && rule.media.mediaText.trim() === "print") {
          rule.media.mediaText = "all";
          changed.push(rule);
        }
      }
    }
    const root = figure("pixel_explosion");
    /** @param {Element | null} e */
    const shown = (e) => Boolean(e && e instanceof HTMLElement && e.offsetParent !== null && getComputedStyle(e).visibility !== "hidden");
    const printed = {
      rules: changed.length,
      status: shown(root.querySelector(".live-figure__status")),
      code: shown(root.querySelector("details.live-figure__code")),
      slider: shown(root.querySelector('input[name="n"]')),
      control: shown(root.querySelector(".live-control--slider")),
      controlText: root.querySelector(".live-control--slider")?.textContent || "",
    };
    for (const rule of changed) rule.media.mediaText = "print"; // back to the screen
    return printed;
  },

  /** The light/dark toggle (light_start's, started inline): it shows one option, switches, and back. */
  async palette() {
    const scheme = () => document.body.dataset.mdColorScheme;
    const toggles = () => /** @type {HTMLElement[]} */ ([...document.querySelectorAll("form[data-md-palette] label")]);
    const shown = () => toggles().filter((toggle) => !toggle.hidden);
    const before = { scheme: scheme(), shown: shown().length, of: toggles().length };
    for (const to of ["slate", before.scheme]) {
      shown()[0].click();
      await until(() => scheme() === to, 5_000, () => `the toggle left the page ${scheme()}, not ${to}`);
    }
    return before;
  },

  /** Resources this page loaded (the Resource Timing list) from anywhere but its own origin. */
  async elsewhere() {
    return performance
      .getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((name) => /^(https?|wss?):/.test(name) && new URL(name).origin !== location.origin);
  },

  // For drivers that cannot read the console (WebKitWebDriver): from now on, keep every
  // console.error and uncaught error of this page. Errors before this call are not seen.
  async watchErrors() {
    const page = /** @type {any} */ (window);
    if (page.__engineErrors) return true;
    /** @type {string[]} */
    const errors = (page.__engineErrors = []);
    const original = console.error.bind(console);
    console.error = (...args) => {
      errors.push(args.map(String).join(" "));
      original(...args);
    };
    addEventListener("error", (event) => {
      // Not an error of the page's code: the spec's report that resize observations (Material's)
      // were put off to the next frame because the layout changed while they were delivered.
      if (event.message !== "ResizeObserver loop completed with undelivered notifications.") errors.push(String(event.message));
    });
    addEventListener("unhandledrejection", (event) => errors.push(String(event.reason)));
    return true;
  },

  /** The errors kept since watchErrors. */
  async watchedErrors() {
    return /** @type {string[]} */ (/** @type {any} */ (window).__engineErrors || []);
  },
};
