// Types only, for `tsc`: the few parts of CodeMirror 6 that editor.mjs uses, instead of
// installing its npm packages to check one small file (esbuild bundles the real ones, as
// package-lock.json pins them). Each is a subset of the package's own declaration.

declare module "@codemirror/state" {
  /** Anything an editor is configured with. */
  export type Extension = { extension: Extension } | readonly Extension[];

  /** A value that extensions provide, such as the content's attributes or the keymap. */
  export interface Facet<Input> {
    of(value: Input): Extension;
  }

  /** One line of a document: its start and end offsets. */
  export interface Line {
    readonly from: number;
    readonly to: number;
  }

  /** An editor's document. */
  export interface Text {
    readonly length: number;
    readonly lines: number;
    line(n: number): Line;
    toString(): string;
  }

  export interface EditorState {
    readonly doc: Text;
  }

  /** A change to the document: ``from`` to ``to`` becomes ``insert``. */
  export interface TransactionSpec {
    changes?: { from: number; to?: number; insert?: string };
  }
}

declare module "@codemirror/view" {
  import type { EditorState, Extension, Facet, TransactionSpec } from "@codemirror/state";

  export class EditorView {
    constructor(config: { doc?: string; parent?: Element; extensions?: Extension });
    readonly state: EditorState;
    dispatch(...specs: TransactionSpec[]): void;
    focus(): void;
    static contentAttributes: Facet<Record<string, string>>;
  }

  export interface KeyBinding {
    key?: string;
    run?: (view: EditorView) => boolean;
  }

  export const keymap: Facet<readonly KeyBinding[]>;
}

declare module "codemirror" {
  import type { Extension } from "@codemirror/state";

  export { EditorView } from "@codemirror/view";
  export const basicSetup: Extension;
}

declare module "@codemirror/lang-python" {
  import type { Extension } from "@codemirror/state";

  export function python(): Extension;
}

declare module "@codemirror/lint" {
  import type { EditorState, TransactionSpec } from "@codemirror/state";

  export interface Diagnostic {
    from: number;
    to: number;
    severity: "hint" | "info" | "warning" | "error";
    message: string;
  }

  export function setDiagnostics(
    state: EditorState,
    diagnostics: readonly Diagnostic[],
  ): TransactionSpec;
}
