// @ts-check
// The "Python" disclosure under a figure: the highlighted source is fetched the first time
// it opens (nothing before), each file has a copy button, and "Edit" turns the module's
// source into a code editor (CodeMirror, loaded only then). "Run" (or Ctrl/Cmd+Enter) runs
// it in place of the module, in this page's worker; an edit that fails says where.

import { button, copy } from "./dom.js";

/**
 * The editor module's factory (codemirror/editor.mjs).
 * @typedef {{ view: { focus(): void }, text(): string, setText(text: string): void,
 *   mark(line: number | null, message: string): void }} Editor
 * @typedef {(parent: HTMLElement, doc: string,
 *   options: { run: () => void, label: string }) => Editor} EditorFactory
 */

/**
 * @typedef {object} PanelOptions
 * @property {URL} assets The figures' site folder.
 * @property {string} editor The editor module, relative to ``assets``.
 * @property {Protocol.Contract["classes"]} classes
 * @property {string} widget The figure's module name.
 * @property {(source: string) => void} run Runs a source in place of the module.
 * @property {() => void} prepare Starts what will run it (the editor opened: a run is near).
 * @property {() => string | null} edited The reader's current edit, if any.
 * @property {(source: string) => Promise<void>} download Offers the figure, with this source,
 *   as a folder that runs in the reader's own Python (takeaway.js).
 * @property {(source: string, button: HTMLButtonElement) => Promise<void>} share Copies a link
 *   that carries this source (share.js).
 */

export class CodePanel {
  /**
   * @param {HTMLDetailsElement} details
   * @param {PanelOptions} options
   */
  constructor(details, options) {
    this.details = details;
    this.options = options;
    /** @type {string | null} The shipped source, once the reader has opened it. */
    this.shipped = null;
    /** @type {(Editor & { error: HTMLElement }) | null} */
    this.editor = null;
    details.addEventListener("toggle", () => this.load());
    details.addEventListener("click", (event) => {
      const copier = /** @type {Element} */ (event.target).closest(`.${options.classes.copy}`);
      const text = copier?.parentElement?.querySelector("code")?.textContent;
      if (copier && typeof text === "string") copy(text, copier, "Copied", "Code to copy");
    });
  }

  get version() {
    return this.details.dataset.version || "";
  }

  async load() {
    const details = this.details;
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "loading";
    try {
      const url = new URL(/** @type {string} */ (details.dataset.source), this.options.assets);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = document.createElement("div");
      body.innerHTML = await response.text(); // the build's own markup, from this site
      details.querySelector(":scope > p")?.remove(); // the link to the file, for no-script
      details.append(body);
      details.dataset.loaded = "yes";
      this.offerEditing(body);
    } catch (error) {
      delete details.dataset.loaded; // the link to the file is still there; try again later
      console.warn(`Figure ${this.options.widget}: its source could not be loaded.`, error);
    }
  }

  /** @param {HTMLElement} body */
  offerEditing(body) {
    const { classes, run, edited, widget, download, share } = this.options;
    const file = /** @type {HTMLElement} */ (body.querySelector(`.${classes.codeFile}`));
    const shipped = /** @type {HTMLElement} */ (file.querySelector("code")).textContent || "";
    this.shipped = shipped;
    const tools = document.createElement("div");
    tools.className = classes.edit;
    tools.innerHTML =
      '<button type="button" data-edit>Edit</button>' +
      '<p class="live-code__note">An edit runs only in this page\'s own Python worker, ' +
      "on this device: nothing is sent anywhere.</p>" +
      '<p class="live-code__error" role="alert"></p>';
    body.prepend(tools);
    const error = /** @type {HTMLElement} */ (tools.querySelector(".live-code__error"));
    const edit = /** @type {HTMLButtonElement} */ (tools.querySelector("[data-edit]"));
    // The source as the reader has it: in the editor, else the edit the figure runs.
    const source = () => this.editor?.text() ?? edited() ?? shipped;
    const take = button("Download", () => {
      error.textContent = "";
      download(source()).catch((/** @type {Error} */ failed) => {
        error.textContent = `The download could not be made: ${failed.message}`;
      });
    });
    take.title = "The figure as a folder (.zip) that runs in your own Python, with numpy";
    edit.after(take);
    edit.addEventListener("click", async () => {
      edit.disabled = true;
      /** @type {{ createEditor: EditorFactory }} */
      const { createEditor } = await import(new URL(this.options.editor, this.options.assets).href);
      const place = /** @type {HTMLElement} */ (file.querySelector(".highlight"));
      const holder = document.createElement("div");
      place.replaceWith(holder);
      // The last run's message goes: this run's outcome is told here only if the text stays.
      const runIt = () => {
        error.textContent = "";
        editor.mark(null, "");
        run(editor.text());
      };
      const editor = createEditor(holder, edited() ?? shipped, {
        run: runIt,
        label: `Python source of ${widget}.py (Escape, then Tab, leaves)`,
      });
      this.editor = { ...editor, error };
      const link = button("Copy a link to this edit", () => {
        error.textContent = "";
        share(editor.text(), link).catch((/** @type {Error} */ failed) => {
          error.textContent = `No link: ${failed.message}.`;
        });
      });
      edit.replaceWith(
        button("Run (Ctrl+Enter)", runIt),
        button("Reset", () => {
          editor.setText(shipped);
          run(shipped);
        }),
        link,
      );
      editor.view.focus();
      // Once the editor is up (started with it, the sandbox slowed it by 150 ms): the reader
      // now reads and types for a while before the first run.
      setTimeout(() => this.options.prepare(), 0);
    });
  }

  /**
   * Say in the editor how a run of its text ended; false if the reader cannot see it there:
   * no editor, or one the reader has closed (told there too, for when they open it again),
   * or one that holds other code than ran (a link's, a kept edit's): its lines are not the
   * ones Python named.
   * @param {Protocol.ToPage["ran"]} outcome
   * @param {string} source The code that ran.
   */
  showOutcome({ ok, message, line }, source) {
    if (!this.editor || this.editor.text() !== source) return false;
    this.editor.error.textContent = ok ? "" : failure({ message, line });
    this.editor.mark(ok ? null : line, message);
    return this.details.open;
  }
}

/**
 * How a run failed, in words: Python's message, after its line if it has one.
 * @param {{ message: string, line: number | null }} outcome
 */
export const failure = ({ message, line }) => `${line ? `Line ${line}: ` : ""}${message}`;
