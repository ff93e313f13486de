// Types only, for `tsc`: the messages between the page (browser/bridge.js) and the Python
// worker (assets/worker.js). Both sides are checked against this one description, so they
// cannot drift apart. Kept out of assets/, which is copied into the site as it is.

declare namespace Protocol {
  /** What the page sends the worker, by message type. */
  interface ToWorker {
    /** Once the page is parsed; sizes: bytes of each file the runtime fetches, by name. */
    boot: {
      indexURL: string;
      moduleURL: string;
      shared: string[];
      /** The figures' package: their folder's name, a folder of Pyodide's home. */
      package: string;
      sizes: Record<string, number>;
      /** runtime_timeout: seconds without a byte, while a download is under way, that mean it stalled. */
      timeout: number;
      /** The Cache Storage name of this site's memory snapshot (its scope and Pyodide's version). */
      snapshots: string;
      /** A sandbox's worker only: every file it may read, by absolute URL (sandbox.js). */
      files?: Record<string, ArrayBuffer>;
    };
    /** Right after boot, and after each restart (the figures that come back). */
    start: { figures: FigureSpec[] };
    render: { id: string; state: ControlState };
    /** A reader's edited source of a figure's module, to run in its place. */
    run: { id: string; source: string; state: ControlState };
  }

  /** What the worker sends the page, by message type. */
  interface ToPage {
    /** Without an id it applies to every figure. */
    progress: { id?: string; step: number; label: string; loaded: number; total: number };
    /** The worker begins a figure's request: from now on, its silence is that request's. */
    took: { id: string; request: "render" | "run" };
    ready: { id: string };
    frame: { id: string } & Frame;
    /** Without an id the runtime itself failed. */
    error: { id?: string; message: string; detail: string };
    /** The outcome of a run: new controls' markup ("" if unchanged), or where it failed. */
    ran: { id: string; ok: boolean; controls: string; message: string; line: number | null };
  }

  /** Every message is {type, data}, the data being the one its type names. */
  type Message<M> = { [K in keyof M]: { type: K; data: M[K] } }[keyof M];
  type ToWorkerMessage = Message<ToWorker>;
  type ToPageMessage = Message<ToPage>;

  /** Sends one message of either direction. */
  type Post<M> = <K extends keyof M>(type: K, data: M[K]) => void;

  /** Receives the messages of one direction: one function per type. */
  type Handlers<M> = { [K in keyof M]: (data: M[K]) => void };

  interface FigureSpec {
    id: string;
    /** The figure's module in the figures' package. */
    widget: string;
    /** Its placement on the page: the module's name, then name-2, name-3 for more. */
    placement: string;
    /** Pyodide packages it imports. */
    packages: string[];
    /** Helper modules and data, relative to the figures' folder. */
    files: string[];
  }

  /** The controls' values, typed as Python should see them. */
  type ControlState = Record<string, boolean | number | string>;

  /** essay_site/figures/api.py Frame.message() after Pyodide's toJs: bytes arrive as Uint8Array. */
  interface Frame {
    html: string;
    alt: string;
    layers: Layer[];
  }

  type Layer = Raster | Shapes;

  interface Raster {
    kind: "raster";
    canvas: string;
    width: number;
    height: number;
    /** height * width * 4 RGBA bytes. */
    data: Bytes;
  }

  interface Shapes {
    kind: "shapes";
    canvas: string;
    /** count * vertices * 2 float32 coordinates, as raw bytes. */
    points: Bytes;
    vertices: number;
    /** count * 4 RGBA bytes; Python's None arrives as undefined. */
    fill?: Bytes;
    stroke?: string;
    width: number;
    closed: boolean;
  }

  /** Names and paths shared with the build: figures/contract.py, as_json(). */
  interface Contract {
    classes: {
      figure: string;
      legend: string;
      controls: string;
      output: string;
      alt: string;
      status: string;
      fileNotice: string;
      code: string;
      codeFile: string;
      copy: string;
      announce: string;
      link: string;
      edit: string;
    };
    steps: number;
    frameEvent: string;
    /** The Python files and the Pyodide runtime, relative to the browser layer's script. */
    modules: string;
    /** Python files every worker loads first, relative to modules. */
    shared: string[];
    /** The figures' package (their folder's name). */
    package: string;
    /** Python files a figure's download holds besides its own, relative to modules. */
    kit: string[];
    /** The code editor's module, relative to the browser layer's script. */
    editor: string;
    runtime: string;
    /** The site's root; its path is the scope every stored name carries. */
    root: string;
    /** Pyodide's version, part of the snapshot's name. */
    pyodide: string;
    /** What frames may use (sanitize.js): the figures plugin's frame_classes and placed_classes. */
    frame: {
      /** Every class name a frame may use: the framework's, then the site's. */
      classes: string[];
      /** Classes placed out of the flow: the class of the box each stays in, what it holds. */
      placed: Record<string, { box: string; holds: string[] }>;
    };
  }

  /** Bytes in an ordinary ArrayBuffer, so transferable and usable as ImageData. */
  type Bytes = Uint8Array<ArrayBuffer>;
}
