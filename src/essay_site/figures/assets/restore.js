// @ts-check
// Whether the memory snapshot a returning reader's browser stored may be restored (worker.js).
// A damaged one could hang Pyodide rather than fail, so it must look whole, carry the sha256
// snapshot.js recorded when this browser made it, and not be marked as tried by a boot that
// never finished (worker.js marks each attempt until it has worked). The page reads it the
// same way for a sandbox (sandbox.js), which may not open Cache Storage itself. And how the
// bytes are handed to Pyodide, so that they are freed once restored (handOnce).

import { sha256 } from "./digest.js";

// Pyodide 0.27 starts every snapshot with this number, and its interpreter's memory is never
// smaller than 20 MiB; snapshot.js records the length.
const SNAPSHOT_MARK = 0x706e7300;
const SNAPSHOT_MIN = 20 * 2 ** 20;

/** Where a runtime's snapshot is stored, in the site's snapshot cache. @param {string} indexURL */
export const snapshotKey = (indexURL) => `${indexURL}memory-snapshot`;

/** The mark an attempt to restore `key` leaves until it has worked. @param {string} key */
export const trying = (key) => `${key}.trying`;

/**
 * The stored snapshot's bytes if it may be restored; else why not (for the console), or null
 * if there is none.
 * @param {Pick<Cache, "match">} cache
 * @param {string} key
 * @returns {Promise<Uint8Array<ArrayBuffer> | string | null>}
 */
export async function readSnapshot(cache, key) {
  const [saved, tried] = await Promise.all([cache.match(key), cache.match(trying(key))]);
  if (!saved) return null;
  const bytes = new Uint8Array(await saved.arrayBuffer());
  const whole =
    !tried &&
    String(bytes.byteLength) === saved.headers.get("X-Snapshot-Length") &&
    bytes.byteLength >= SNAPSHOT_MIN &&
    bytes.byteLength % 4 === 0 &&
    new Uint32Array(bytes.buffer, 0, 1)[0] === SNAPSHOT_MARK;
  if (!whole) return "The memory snapshot is damaged; starting Python afresh.";
  if (saved.headers.get("X-Snapshot-SHA256") !== (await sha256(bytes))) {
    return "The memory snapshot is not the one this browser made; starting Python afresh.";
  }
  return bytes;
}

/**
 * `bytes` as Pyodide's `_loadSnapshot`, handed over once. Pyodide keeps its options for the
 * runtime's life (0.27.7: as `API.config`), and would keep the 20 MiB snapshot with them; it
 * awaits this once, and this lets go of the bytes as it does.
 * @param {Uint8Array} bytes
 * @returns {PromiseLike<Uint8Array>}
 */
export function handOnce(bytes) {
  /** @type {Uint8Array | null} */
  let held = bytes;
  return {
    then(resolve, reject) {
      const handed = held;
      held = null;
      const outcome = handed ? Promise.resolve(handed) : Promise.reject(new Error("The snapshot was handed over already."));
      return outcome.then(resolve, reject);
    },
  };
}
