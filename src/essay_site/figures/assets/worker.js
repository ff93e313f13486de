// The Python side of every figure, off the main thread so the page stays smooth.
//
// Protocol: every message is {type, data}.
//   page -> worker   boot    {indexURL, moduleURL}   (at once, from <head>)
//                    start   {figures: [{id, widget, packages, files}]}   (when the page is parsed;
//                            files: helper modules and data, relative to the figures' folder)
//                    render  {id, state}
//   worker -> page   progress {id?, step, label}   (no id: applies to every figure)
//                    ready    {id}
//                    frame    {id, html, alt, layers: [raster | shapes]}
//                    error    {id?, message, detail}  (no id: the runtime itself failed)
"use strict";

const HOME = "/home/pyodide/widgets";
let moduleURL = "";
let booted = null; // Promise of the runtime and the widgets._api module
let pyodide = null;
let api = null;
const figures = new Map(); // id -> figure module (a PyProxy)
const packageLoads = new Map(); // package list -> Promise, so shared packages load once
let firstFrameSent = () => {};
const firstFrame = new Promise((resolve) => (firstFrameSent = resolve));

const post = (type, data) => self.postMessage({ type, data });

function describe(error) {
  const detail = String((error && error.message) || error);
  const lines = detail.trim().split("\n");
  return { message: lines[lines.length - 1], detail };
}

// A file of the figures' folder (a module's source, or a data file's bytes).
async function fetchFile(path) {
  const url = `${moduleURL}${path}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return [path, new Uint8Array(await response.arrayBuffer())];
}

// Step 1: the interpreter, and the shared figure interface, fetched while it boots.
async function startRuntime(indexURL) {
  post("progress", { step: 1, label: "Loading the Python runtime" });
  importScripts(`${indexURL}pyodide.js`);
  const shared = Promise.all(["__init__.py", "_api.py"].map(fetchFile));
  const [runtime, files] = await Promise.all([loadPyodide({ indexURL }), shared]);
  runtime.FS.mkdirTree(`${HOME}/data`);
  files.forEach(([path, bytes]) => runtime.FS.writeFile(`${HOME}/${path}`, bytes));
  return runtime;
}

// Step 2: the packages one figure imports (numpy, ...), shared between figures.
function loadPackages(packages) {
  const key = packages.join(" ");
  if (!packageLoads.has(key)) {
    packageLoads.set(key, packages.length ? pyodide.loadPackage(packages) : Promise.resolve());
  }
  return packageLoads.get(key);
}

// Step 3: fetch the figure's module, helpers and data, import it; a failure is that figure's alone.
async function startFigure({ id, widget, packages, files }) {
  try {
    const sources = Promise.all([`${widget}.py`, ...files].map(fetchFile));
    sources.catch(() => {}); // awaited below, after the packages; a 404 is reported there
    if (packages.length) {
      post("progress", { id, step: 2, label: `Loading ${packages.join(", ")}` });
    }
    await loadPackages(packages);
    post("progress", { id, step: 3, label: "Starting the figure" });
    for (const [path, bytes] of await sources) pyodide.FS.writeFile(`${HOME}/${path}`, bytes);
    figures.set(id, pyodide.pyimport(`widgets.${widget}`));
    post("ready", { id });
    return true;
  } catch (error) {
    post("error", { id, ...describe(error) });
    return false;
  }
}

const handlers = {
  boot({ indexURL, moduleURL: url }) {
    moduleURL = url;
    booted = startRuntime(indexURL).then((runtime) => {
      pyodide = runtime;
      api = pyodide.pyimport("widgets._api");
    });
    booted.catch((error) => post("error", describe(error)));
  },

  async start({ figures: wanted }) {
    try {
      await booted;
    } catch {
      return; // already reported by boot
    }
    // Figures that need nothing beyond the core go live first; only then do the others'
    // packages and data start downloading (a few seconds at most if no frame comes).
    const light = wanted.filter((f) => !f.packages.length && !f.files.length);
    const heavy = wanted.filter((f) => f.packages.length || f.files.length);
    const started = await Promise.all(light.map(startFigure));
    if (started.some(Boolean)) {
      await Promise.race([firstFrame, new Promise((resolve) => setTimeout(resolve, 3000))]);
    }
    await Promise.all(heavy.map(startFigure));
  },

  render({ id, state }) {
    const module = figures.get(id);
    const raw = pyodide.toPy(state);
    let frame = null;
    try {
      frame = api.message(module, raw);
      const data = frame.toJs({ dict_converter: Object.fromEntries });
      const buffers = data.layers.flatMap((layer) =>
        [layer.data, layer.points, layer.fill].filter(Boolean).map((bytes) => bytes.buffer));
      self.postMessage({ type: "frame", data: { id, ...data } }, buffers);
    } catch (error) {
      post("error", { id, ...describe(error) });
    } finally {
      firstFrameSent();
      raw.destroy();
      if (frame) frame.destroy();
    }
  },
};

self.onmessage = ({ data: { type, data } }) => {
  const handler = handlers[type];
  if (!handler) {
    post("error", { id: data && data.id, message: `Unknown message type: ${type}`, detail: "" });
    return;
  }
  handler(data);
};
