// @ts-check
// A reader's edits are kept in this browser, per figure, with the version of the module
// they were made on: the same version runs them again; another one asks first, as does an
// edit whose sandbox was stopped (it held Python, or never finished, and would again).

/** @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} Store */

export class SavedEdits {
  /**
   * @param {() => Store} store Where edits are kept (a getter: merely reaching
   *   localStorage throws where storage is off).
   * @param {string} key
   * @param {string} version The shipped module's version.
   */
  constructor(store, key, version) {
    this.store = store;
    this.key = key;
    this.version = version;
  }

  /**
   * The kept edit, whether it was made on this version, and whether it was stopped; null if
   * none can be read.
   * @returns {{ source: string, current: boolean, stopped: boolean } | null}
   */
  recall() {
    /** @type {unknown} */
    let kept = null;
    try {
      kept = JSON.parse(this.store().getItem(this.key) || "null");
    } catch {
      return null; // no storage here, or not ours to read: nothing kept
    }
    if (!kept || typeof kept !== "object") return null;
    const { source, version, stopped } = /** @type {{ source?: unknown, version?: unknown, stopped?: unknown }} */ (kept);
    if (typeof source !== "string") return null;
    return { source, current: version === this.version, stopped: stopped === true };
  }

  /**
   * Mark the kept edit as stopped if it is ``source``: code that held its sandbox, or never
   * finished, would do so again, so it runs again only when asked (a reader's run that never
   * drew, or a link's code, is not the kept edit, and marks nothing).
   * @param {string | null} source
   */
  stop(source) {
    try {
      const kept = JSON.parse(this.store().getItem(this.key) || "null");
      // As kept (an edit of an earlier version still says so), and stopped.
      if (source !== null && kept?.source === source) this.store().setItem(this.key, JSON.stringify({ ...kept, stopped: true }));
    } catch {
      // Storage full, off, or holding something else: the edit stays as it was kept.
    }
  }

  /** @param {string | null} source The edit to keep, or null to forget it. */
  keep(source) {
    try {
      if (source === null) this.store().removeItem(this.key);
      else this.store().setItem(this.key, JSON.stringify({ version: this.version, source }));
    } catch {
      // Storage full or off: the edit still runs, it is just not kept.
    }
  }
}
