// Types only, for `tsc`: the little of Pyodide's API that assets/worker.js uses. Pyodide's
// own typings live inside the runtime archive, which lint does not download.

/** Defined by pyodide.js, which the worker loads with importScripts. */
declare function loadPyodide(options: { indexURL: string }): Promise<PyodideAPI>;

interface PyodideAPI {
  FS: {
    mkdirTree(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
  };
  loadPackage(names: string[]): Promise<unknown>;
  pyimport(name: string): PyProxy;
  toPy(value: unknown): PyProxy;
}

/** A JavaScript handle on a Python object; destroy() frees it. */
interface PyProxy {
  toJs(options?: {
    dict_converter?: (entries: Iterable<[string, unknown]>) => unknown;
  }): unknown;
  destroy(): void;
}
