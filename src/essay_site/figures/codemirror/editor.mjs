// @ts-check
// The figures' code editor: CodeMirror 6 with Python, loaded only when a reader edits.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { python } from "@codemirror/lang-python";
import { setDiagnostics } from "@codemirror/lint";

/**
 * An editor of ``doc`` in ``parent``, Mod-Enter running it: code_panel.js's EditorFactory.
 * @param {HTMLElement} parent
 * @param {string} doc
 * @param {{ run: () => void, label: string }} options
 * @returns {import("../browser/code_panel.js").Editor & { view: EditorView }}
 */
export function createEditor(parent, doc, { run, label }) {
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      keymap.of([{ key: "Mod-Enter", run: () => (run(), true) }]),
      basicSetup,
      python(),
      EditorView.contentAttributes.of({ "aria-label": label }),
    ],
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    mark: (line, message) => {
      /** @type {import("@codemirror/lint").Diagnostic[]} */
      const clean = line === null ? [] : (() => {
        const at = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
        return [{ from: at.from, to: at.to, severity: "error", message }];
      })();
      view.dispatch(setDiagnostics(view.state, clean));
    },
  };
}
