// Types only, for `tsc`: the little of Pyodide's API that assets/worker.js uses. Pyodide's
// own typings live inside the runtime archive, which lint does not download.

/** The module pyodide.mjs, which the workers import. The two snapshot options are Pyodide
 * 0.27's own (undocumented): make a memory snapshot of a bare interpreter, or start from one
 * made by the identical build. */
interface PyodideLoader {
  loadPyodide(options: {
    indexURL: string;
    _makeSnapshot?: boolean;
    _loadSnapshot?: Uint8Array | PromiseLike<Uint8Array>;
  }): Promise<PyodideAPI>;
}

interface PyodideAPI {
  FS: {
    mkdirTree(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
  };
  loadPackage(names: string[]): Promise<unknown>;
  pyimport(name: string): PyProxy;
  toPy(value: unknown): PyProxy;
  runPython(code: string): unknown;
  /** Only on an instance loaded with _makeSnapshot, before it has run anything. */
  makeMemorySnapshot(): Uint8Array<ArrayBuffer>;
}

/** A JavaScript handle on a Python object; destroy() frees it. */
interface PyProxy {
  toJs(options?: {
    dict_converter?: (entries: Iterable<[string, unknown]>) => unknown;
    depth?: number;
  }): unknown;
  destroy(): void;
  /** A handle of its own on the same object (an attribute's proxy dies with its owner). */
  copy(): PyProxy;
}
