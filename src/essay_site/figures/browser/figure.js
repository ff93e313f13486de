// @ts-check
// One figure on the page: its parts (the build's markup, figures/plugin.py), its one
// explicit state, and what the reader does with it. Requests go through the bridge.
//
// State (data-state): static (as built) -> loading (Python on its way) -> live (Python
// draws it) or error (it says why, and keeps its last picture). A restart goes back to
// loading. Nothing else decides what a figure is doing.

import { Controls } from "./controls.js";
import { copy, save } from "./dom.js";
import { enableDrag } from "./drag.js";
import { SavedEdits } from "./edits.js";
import { paintLayers } from "./paint.js";
import { fromURL, toURL } from "./permalink.js";
import { CodePanel, failure } from "./code_panel.js";
import { cleanControls, cleanFrame } from "./sanitize.js";
import { offerLinkedEdit, recall } from "./offers.js";
import { followed, toFragment } from "./share.js";
import { takeAway } from "./takeaway.js";

/** @typedef {import("./sandbox.js").Router} Router */
/** @typedef {import("./bridge.js").FigureState} FigureState */
/** @typedef {import("./bridge.js").Client} Client */

/**
 * What every figure shares: the build's names and where its files are.
 * @typedef {{ contract: Protocol.Contract, assets: URL, modules: URL, storage: string }} Settings
 */

const MB = 1e6;

/** @implements {Client} */
export class Figure {
  /**
   * @param {HTMLElement} root
   * @param {Router} bridge Each request to where the figure's code runs.
   * @param {Settings} settings
   */
  constructor(root, bridge, { contract, assets, modules, storage }) {
    const { classes } = contract;
    this.root = root;
    this.bridge = bridge;
    this.contract = contract;
    /** @param {string} name */
    const part = (name) => /** @type {HTMLElement} */ (root.querySelector(`.${name}`));
    this.form = part(classes.controls);
    this.controls = new Controls(this.form, classes.legend, this.placement);
    this.output = part(classes.output);
    this.alt = part(classes.alt);
    this.announce = part(classes.announce);
    this.status = part(classes.status);
    this.bar = /** @type {HTMLProgressElement} */ (this.status.querySelector("progress"));
    this.text = /** @type {HTMLSpanElement} */ (this.status.querySelector("span"));
    this.linkButton = /** @type {HTMLButtonElement} */ (this.status.querySelector("button"));
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.announcing = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.remembering = undefined;
    this.step = 0;
    this.label = "";
    this.bytes = "";
    /** @type {string | null} The reader's edit this figure runs, if any. */
    this.edited = null;
    /** @type {string | null} The last edit that drew (null: the shipped code); a failed run goes back to it. */
    this.good = null;
    /** @type {string | null} What the reader ran (or reset to) while a run was under way: it runs next. */
    this.next = null;
    const details = /** @type {HTMLDetailsElement} */ (root.querySelector(`details.${classes.code}`));
    this.panel = new CodePanel(details, {
      assets,
      editor: contract.editor,
      classes,
      widget: this.widget,
      run: (source) => this.run(source),
      prepare: () => this.bridge.prepare(this),
      edited: () => this.edited,
      download: async (source) => {
        const zipped = await takeAway({
          modules,
          kit: contract.kit,
          package: contract.package,
          spec: this.spec(),
          source,
          state: this.values(),
        });
        save(zipped, `${this.widget}.zip`);
      },
      share: async (source, pressed) => {
        const url = this.viewURL();
        url.hash = await toFragment(this.placement, this.panel.version, source);
        await copy(url.href, pressed, "Link copied", "Link to copy");
      },
    });
    /** @type {HTMLElement | undefined} How the last run failed, said beside the figure. */
    this.outcomeNotice = undefined;
    /** @type {string | null} The code a link brought, once the reader chose to run it. */
    this.linked = null;
    this.edits = new SavedEdits(() => localStorage, `${storage}edit ${this.placement}`, this.panel.version);
    this.form.addEventListener("input", () => {
      this.request();
      this.rememberInURL();
    });
    this.form.addEventListener("click", (event) => {
      const pressed = /** @type {HTMLButtonElement | null} */ (
        /** @type {Element} */ (event.target).closest("button[name]")
      );
      if (!pressed) return;
      pressed.value = String(Number(pressed.value) + 1);
      this.request();
    });
    this.linkButton.addEventListener("click", () => this.copyLink());
    this.describeDrag = enableDrag(this.form, this.output, () => this.request());
    recall(this);
    /** @type {HTMLElement | null} The notice about the last link for this figure. */
    this.linkNotice = null;
    const shippedURL = new URL(`${contract.package}/${this.widget}.py`, modules);
    offerLinkedEdit(this, shippedURL);
    addEventListener("hashchange", () => {
      const next = followed(location.hash, this.placement, this.root.dataset.edited === "link");
      if (next === "reload") location.reload();
      else if (next === "offer") offerLinkedEdit(this, shippedURL);
    });
  }

  get id() {
    return this.root.id;
  }

  /** The figure's module. */
  get widget() {
    return /** @type {string} */ (this.root.dataset.widget);
  }

  /** This placement of it on the page (the module's name, then name-2, ...): what the URL and
   * saved edits are keyed by, so two placements of one figure keep their own. */
  get placement() {
    return /** @type {string} */ (this.root.dataset.placement);
  }

  // The build writes data-state="static"; from then on only the setter writes it.
  get state() {
    return /** @type {FigureState} */ (this.root.dataset.state);
  }

  set state(value) {
    this.root.dataset.state = value;
  }

  /** What the worker needs to start this figure, from the build's attributes. */
  spec() {
    return {
      id: this.id,
      widget: this.widget,
      placement: this.placement,
      packages: (this.root.dataset.packages || "").split(" ").filter(Boolean),
      files: (this.root.dataset.files || "").split(" ").filter(Boolean),
    };
  }

  values() {
    return this.controls.values();
  }

  request() {
    this.controls.show();
    this.bridge.render(this);
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
    const steps = this.contract.steps;
    this.text.textContent = `${this.label}${this.bytes || "…"} (step ${this.step} of ${steps})`;
  }

  live() {
    this.bar.value = this.contract.steps;
    fromURL(this.form, this.placement, location.search);
    this.controls.show();
    // A kept edit, or a link's code run before now, starts its sandbox; one a sandbox already
    // runs (the shared worker restarted without it) goes on there.
    if (this.edited && !this.bridge.sandboxes.has(this.id)) this.run(this.edited);
    else this.request();
  }

  restarting() {
    this.step = 0;
    this.state = "loading";
    this.progress({ step: 1, label: "Restarting Python", loaded: 0, total: 0 });
  }

  /**
   * Paint a frame; false if it could not be painted (the figure is then in error).
   * @param {Protocol.Frame} frame
   */
  paint({ html, alt, layers }) {
    try {
      // Sizes are read from the picture in place: a canvas just inserted, in a figure the
      // browser is not laying out (off screen), has no size yet.
      const shown = new Map(
        [...this.output.querySelectorAll("[data-canvas]")].map((element) => [
          /** @type {string} */ (/** @type {HTMLElement} */ (element).dataset.canvas),
          element.getBoundingClientRect().width,
        ]),
      );
      this.output.replaceChildren(cleanFrame(html, this.contract.frame));
      paintLayers(this.output, layers, shown);
    } catch (error) {
      // A frame the page cannot paint is this figure's error, never a frozen figure.
      console.error(`Figure ${this.id}:`, error);
      this.fail(`its frame could not be painted (${/** @type {Error} */ (error).message}).`);
      return false;
    }
    this.alt.textContent = alt;
    // Screen readers hear the state the reader settles on, not every frame of a drag.
    if (this.state === "live") {
      clearTimeout(this.announcing);
      this.announcing = setTimeout(() => (this.announce.textContent = alt), 700);
    } else {
      this.state = "live";
      this.status.removeAttribute("role");
      this.text.textContent = "Live: Python is computing this figure in your browser.";
    }
    this.root.dispatchEvent(new CustomEvent(this.contract.frameEvent));
    return true;
  }

  // Keep the last picture; say what went wrong where the figure is.
  /** @param {string} message @param {boolean} [held] A watch stopped it: the message has no subject. */
  fail(message, held = false) {
    this.state = "error";
    this.status.setAttribute("role", "alert");
    const said = held ? `it ${message}` : message;
    this.text.textContent = `This figure could not run: ${said} The picture shows its last state.`;
  }

  // Runs a source in place of the figure's module; until the outcome, frames wait.
  /** @param {string} source */
  run(source) {
    if (this.bridge.run(this, source)) this.root.dataset.run = "running";
    // Code runs in its sandbox already (the reader's, or its last good code again): this next.
    else if (this.bridge.sandboxes.has(this.id)) [this.next, this.root.dataset.run] = [source, "running"];
  }

  /**
   * @param {Protocol.ToPage["ran"]} outcome
   * @param {string} source The code that ran (after a sandbox's restart, its last good code).
   * @param {"failed" | "held" | "stopped"} [gone] Its sandbox ended (it failed; or a watch
   *   stopped it, held by the code that drew, or running this code, which never finished): no
   *   edit draws any more, its own code does.
   */
  ran(outcome, source, gone) {
    const next = this.next;
    this.next = null;
    this.root.dataset.run = outcome.ok ? "ok" : "error";
    if (gone) {
      // A kept edit that held its sandbox, or never finished, would do so again: asked first next time.
      if (gone !== "failed") this.edits.stop(gone === "held" ? this.good : source);
      this.good = null;
      // Its own code draws again (asked by the sandbox as it leaves), with its own controls.
      if (this.controls.restore()) this.controlsChanged();
    }
    if (outcome.ok) {
      const original = source === this.panel.shipped;
      // A link's code runs with the reader's consent on this visit; it is not kept for the next.
      const linked = source === this.linked;
      this.good = original ? null : source;
      if (!linked) this.edits.keep(this.good);
      if (outcome.controls) {
        const before = this.controls.values();
        const added = this.controls.replace([cleanControls(outcome.controls, this.placement)], !original);
        const moved = this.controls.adopt(added, location.search);
        // Its frame was drawn with the old set's values as Python read them. The new set may
        // show others: the address's, or one the page reads otherwise (a control of another
        // kind under the same name: a slider's 22 is on to Python, off to a checkbox).
        const shown = this.controls.values();
        const otherwise = Object.keys(shown).some((name) => name in before && shown[name] !== before[name]);
        if (moved || otherwise) this.request();
        this.controlsChanged();
      }
    }
    // What it runs from now on: this code if it drew, else the last that did (drawn at once if none has yet).
    this.use(this.good);
    if (!outcome.ok && this.state === "loading") this.request();
    // The reader's latest code runs next, once whatever ran this is done; this outcome, of code
    // they have since changed, is not told.
    if (next !== null && next !== source) return queueMicrotask(() => this.run(next));
    // In the editor if it holds the code that ran; else (a link's, a kept edit's) by the figure.
    this.outcomeNotice?.remove();
    if (!this.panel.showOutcome(outcome, source) && !outcome.ok) {
      this.outcomeNotice = this.notice("p");
      this.outcomeNotice.setAttribute("role", "alert");
      const shown = this.good === null ? "its own code" : "the last code that ran";
      // Its code may have drawn, or run for a while, before it failed.
      this.outcomeNotice.textContent = `The changed code failed (${failure(outcome).replace(/\.$/, "")}). The figure shows ${shown}.`;
    }
  }

  /** The edit it runs (null: its own code), marked: "" a reader's, "link" a link's. @param {string | null} source */
  use(source) {
    this.edited = source;
    if (source === null) delete this.root.dataset.edited;
    else this.root.dataset.edited = source === this.linked ? "link" : "";
  }

  /**
   * A notice about this figure's code, under its status line, with room for buttons.
   * @param {"p" | "div"} tag
   */
  notice(tag) {
    const notice = document.createElement(tag);
    notice.className = "live-code__ask";
    this.status.after(notice);
    return notice;
  }

  // Another set of controls: the address and the picture's drag follow.
  controlsChanged() {
    this.rememberInURL();
    this.describeDrag();
  }

  // The address follows the controls (replaced, not pushed: a drag is not a history).
  rememberInURL() {
    clearTimeout(this.remembering);
    this.remembering = setTimeout(() => {
      const url = toURL(this.controls.elements, this.placement, new URL(location.href));
      if (url.href !== location.href) history.replaceState(history.state, "", url);
    }, 250);
  }

  /** This page's address with this figure's state only: what either link starts from. */
  viewURL() {
    return toURL(this.controls.elements, this.placement, new URL(location.pathname, location.href));
  }

  // "Link to this view": this figure's state only, and the figure itself as the target.
  copyLink() {
    const url = this.viewURL();
    url.hash = this.id;
    copy(url.href, this.linkButton, "Link copied", "Link to copy");
  }
}
