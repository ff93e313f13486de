// The Python side of every figure, off the main thread so the page stays smooth.
//
// Protocol: every message is {type, data}.
//   page -> worker   init    {indexURL, moduleURL, figures: [{id, widget, packages}]}
//                    render  {id, state}
//   worker -> page   progress {id?, step, label}   (no id: applies to every figure)
//                    ready    {id}
//                    frame    {id, html, alt}
//                    error    {id?, message, detail}  (no id: the runtime itself failed)
"use strict";

let pyodide = null;
let api = null;
const figures = new Map(); // id -> figure module (a PyProxy)
const packageLoads = new Map(); // package list -> Promise, so shared packages load once

const post = (type, data) => self.postMessage({ type, data });

function describe(error) {
  const detail = String((error && error.message) || error);
  const lines = detail.trim().split("\n");
  return { message: lines[lines.length - 1], detail };
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

// Step 1: the interpreter. Module sources download while it boots.
async function startRuntime(indexURL, sources) {
  post("progress", { step: 1, label: "Loading the Python runtime" });
  importScripts(`${indexURL}pyodide.js`);
  const [runtime, files] = await Promise.all([loadPyodide({ indexURL }), sources]);
  runtime.FS.mkdirTree("/home/pyodide/widgets");
  for (const [name, text] of files) runtime.FS.writeFile(`/home/pyodide/widgets/${name}`, text);
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

// Step 3: import the figure's module; a failure here is that figure's alone.
async function startFigure({ id, widget, packages }) {
  try {
    if (packages.length) {
      post("progress", { id, step: 2, label: `Loading ${packages.join(", ")}` });
    }
    await loadPackages(packages);
    post("progress", { id, step: 3, label: "Starting the figure" });
    figures.set(id, pyodide.pyimport(`widgets.${widget}`));
    post("ready", { id });
  } catch (error) {
    post("error", { id, ...describe(error) });
  }
}

const handlers = {
  async init({ indexURL, moduleURL, figures: wanted }) {
    const names = ["__init__", "_api", ...new Set(wanted.map((f) => f.widget))];
    const sources = Promise.all(
      names.map(async (name) => [`${name}.py`, await fetchText(`${moduleURL}${name}.py`)]),
    );
    try {
      pyodide = await startRuntime(indexURL, sources);
      api = pyodide.pyimport("widgets._api");
    } catch (error) {
      post("error", describe(error));
      return;
    }
    await Promise.all(wanted.map(startFigure));
  },

  render({ id, state }) {
    const module = figures.get(id);
    const raw = pyodide.toPy(state);
    let frame = null;
    try {
      frame = api.render(module, raw);
      post("frame", { id, html: frame.html, alt: frame.alt });
    } catch (error) {
      post("error", { id, ...describe(error) });
    } finally {
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
