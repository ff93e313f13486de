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

/**
 * Watch this worker's fetches of the runtime's files.
 *
 * Every byte that arrives is reported (a few times a second, and once at the start), so the
 * page can say how much has come and its watchdog never fires on a slow link. Pyodide 0.27
 * only warns when its .wasm cannot be compiled (served as another type, cut short) and then
 * waits for ever: a file seen to arrive broken rejects the promise returned, which the boot
 * races. (Packages come later: Pyodide checks their hashes itself.)
 * @param {Record<string, number>} sizes Each runtime file's size in the build, by file name.
 * @param {(loaded: number, total: number) => void} report
 * @returns {Promise<never>} Rejected with the first broken file's error; never fulfilled.
 */
export function watchDownloads(sizes, report) {
  /** @type {(error: Error) => void} */
  let brokenFile = () => {};
  /** @type {Promise<never>} */
  const broken = new Promise((_, reject) => (brokenFile = reject));
  const total = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  let loaded = 0;
  let reported = Date.now();
  report(0, total);

  /**
   * @param {ReadableStreamDefaultReader<Uint8Array>} reader
   * @param {string} name
   * @param {number} size The file's size in the build.
   */
  async function count(reader, name, size) {
    let arrived = 0;
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        arrived += chunk.value.byteLength;
        loaded += chunk.value.byteLength;
        if (Date.now() - reported > 250) {
          reported = Date.now();
          report(Math.min(loaded, total), total);
        }
      }
    } catch (error) {
      brokenFile(new Error(`Python's file ${name} stopped arriving (${describe(error).message}).`));
      return;
    }
    if (arrived < size) {
      brokenFile(new Error(`Python's file ${name} arrived cut short (${arrived} of ${size} bytes).`));
    }
  }

  const plain = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const response = await plain(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const name = new URL(url, self.location.href).pathname.split("/").pop() || "";
    if (!(name in sizes)) return response;
    const type = response.headers.get("Content-Type") || "";
    // Browsers compile a .wasm only if its type, without parameters, is application/wasm.
    const wasm = type.split(";")[0].trim().toLowerCase() === "application/wasm";
    if (!response.ok) {
      brokenFile(new Error(`Python's file ${name} could not be downloaded (HTTP ${response.status}).`));
    } else if (name.endsWith(".wasm") && !wasm) {
      const said = type ? `as ${type}` : "with no type";
      brokenFile(new Error(`Python's file ${name} came ${said}; browsers run only application/wasm.`));
    } else {
      // Count a copy: the response itself goes on untouched, so the browser still recognises
      // the .wasm it has compiled before (its code cache is keyed on the real response).
      const copy = response.clone().body;
      if (copy) count(copy.getReader(), name, sizes[name]);
    }
    return response;
  };
  return broken;
}
