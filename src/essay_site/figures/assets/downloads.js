// @ts-check
// The runtime's files on their way to the figures' worker (worker.js): every byte that
// arrives is progress, and a file that arrives broken ends the boot at once.

/**
 * An error's last line for the page, its whole text for the console.
 * @param {unknown} error Anything thrown: an Error, a PythonError, ...
 * @returns {{ message: string, detail: string }}
 */
export function describe(error) {
  const detail = String((error && /** @type {{ message?: unknown }} */ (error).message) || error);
  const lines = detail.trim().split("\n");
  return { message: lines[lines.length - 1], detail };
}

/** How often the worker looks at its downloads, in ms. */
const TICK = 250;

/**
 * Watch this worker's fetches (the runtime's files, its packages, the figures' files).
 *
 * Every byte that arrives is reported (a few times a second, and once at the start), so the
 * page can say how much has come. Pyodide 0.27 only warns when its .wasm cannot be compiled
 * (served as another type, cut short) and then waits for ever: a file seen to arrive broken
 * rejects the promise returned, which the boot races. (Packages' hashes Pyodide checks itself.)
 *
 * A download stalls when no byte arrives for `seconds` while one is under way. Only time the
 * worker's thread was free to receive counts: a tick that comes late found it busy (a slow
 * computer compiling or starting Python), and that time is the computer's, not the network's.
 * @param {Record<string, number>} sizes Each runtime file's size in the build, by file name.
 * @param {number} seconds Network silence that means a stalled download (runtime_timeout).
 * @param {(loaded: number, total: number) => void} report
 * @param {() => void} quiet Called when the last download under way ends: the worker computes.
 * @returns {Promise<never>} Rejected with the first broken file's error; never fulfilled.
 */
export function watchDownloads(sizes, seconds, report, quiet) {
  /** @type {(error: Error) => void} */
  let brokenFile = () => {};
  /** @type {Promise<never>} */
  const broken = new Promise((_, reject) => (brokenFile = reject));
  const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  let loaded = 0;
  let reported = Date.now();
  report(0, total);

  /** @type {Set<{ name: string }>} */
  const underWay = new Set();
  let silent = 0; // ms without a byte, while something was under way and the thread was free
  let ticked = 0;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticker;

  function tick() {
    const now = Date.now();
    silent += Math.min(now - ticked, 2 * TICK);
    ticked = now;
    const [first] = underWay;
    if (!first) {
      clearInterval(ticker);
      ticker = undefined;
    } else if (silent >= seconds * 1000) {
      brokenFile(new Error(`Python's file ${first.name} stopped arriving (nothing for ${seconds} s).`));
    }
  }

  /** @param {string} name */
  function begin(name) {
    const download = { name };
    underWay.add(download);
    if (ticker === undefined) {
      silent = 0;
      ticked = Date.now();
      ticker = setInterval(tick, TICK);
    }
    return download;
  }

  /** @param {{ name: string }} download */
  function end(download) {
    underWay.delete(download);
    if (!underWay.size) quiet();
  }

  /**
   * @param {ReadableStreamDefaultReader<Uint8Array>} reader
   * @param {string} name
   * @param {number | undefined} size The file's size in the build, if it is a runtime file.
   */
  async function count(reader, name, size) {
    let arrived = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      silent = 0;
      arrived += chunk.value.byteLength;
      if (size === undefined) continue;
      loaded += chunk.value.byteLength;
      if (Date.now() - reported > 250) {
        reported = Date.now();
        report(Math.min(loaded, total), total);
      }
    }
    if (size !== undefined && arrived < size) {
      brokenFile(new Error(`Python's file ${name} arrived cut short (${arrived} of ${size} bytes).`));
    }
  }

  const plain = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const name = new URL(url, self.location.href).pathname.split("/").pop() || "";
    const download = begin(name);
    try {
      const response = await plain(input, init);
      const size = name in sizes ? sizes[name] : undefined;
      const type = response.headers.get("Content-Type") || "";
      // Browsers compile a .wasm only if its type, without parameters, is application/wasm.
      const wasm = type.split(";")[0].trim().toLowerCase() === "application/wasm";
      if (size !== undefined && !response.ok) {
        brokenFile(new Error(`Python's file ${name} could not be downloaded (HTTP ${response.status}).`));
      } else if (size !== undefined && name.endsWith(".wasm") && !wasm) {
        const said = type ? `as ${type}` : "with no type";
        brokenFile(new Error(`Python's file ${name} came ${said}; browsers run only application/wasm.`));
      } else if (response.body) {
        // Count a copy: the response itself goes on untouched, so the browser still recognises
        // the .wasm it has compiled before (its code cache is keyed on the real response).
        const copy = /** @type {ReadableStream<Uint8Array>} */ (response.clone().body);
        count(copy.getReader(), name, size)
          .catch((error) => {
            if (size === undefined) return; // the caller sees it fail, and says so
            const why = describe(error).message;
            brokenFile(new Error(`Python's file ${name} stopped arriving (${why}).`));
          })
          .finally(() => end(download));
        return response;
      }
      end(download);
      return response;
    } catch (error) {
      end(download);
      throw error;
    }
  };
  return broken;
}
