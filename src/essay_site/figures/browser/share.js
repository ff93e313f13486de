// @ts-check
// "Copy a link to this edit": the edited source travels in the address's fragment, which
// never reaches a server: deflate-raw, then base64url, beside the placement it is for and the
// version of the module it was made on (#edit=<placement>&version=<v>&code=<...>). The
// controls' state goes in the query, as "Copy a link to this view" puts it. A link's code
// never runs by itself: figure.js shows a notice and waits for the reader's click.

/** The most a link's code may be, decoded: a figure is a few KB; more is not a figure. */
export const LIMIT = 64 * 1024;

/** A link whose code cannot be offered; its message says why, in the reader's words. */
export class LinkError extends Error {}

/**
 * The fragment that carries ``source`` for ``placement`` on module version ``version``.
 * @param {string} placement
 * @param {string} version
 * @param {string} source
 */
export async function toFragment(placement, version, source) {
  const bytes = new TextEncoder().encode(source);
  if (bytes.length > LIMIT) throw new LinkError(`the code is larger than ${LIMIT / 1024} KB`);
  const packed = await transform(bytes, new CompressionStream("deflate-raw"));
  // Byte by byte: spreading up to 64 KB into one call passes some engines' argument limit.
  const code = btoa(Array.from(packed, (byte) => String.fromCharCode(byte)).join(""))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `#${new URLSearchParams({ edit: placement, version, code })}`;
}

/**
 * What a fragment carries for ``placement``, if anything: its version and its packed code.
 * @param {string} hash ``location.hash``
 * @param {string} placement
 */
export function carried(hash, placement) {
  const fields = new URLSearchParams(hash.slice(1));
  if (fields.get("edit") !== placement) return null;
  return { version: fields.get("version") ?? "", code: fields.get("code") ?? "" };
}

/**
 * What a link followed on an open page (its fragment alone changed, so the page is not loaded
 * anew) means for ``placement``: nothing; an offer, as on arrival; or a new load, where the
 * figure shows code an earlier link brought (its reader expects what a visit would show).
 * @param {string} hash The new ``location.hash``
 * @param {string} placement
 * @param {boolean} showingLink Whether the figure runs code an earlier link brought.
 * @returns {"nothing" | "offer" | "reload"}
 */
export function followed(hash, placement, showingLink) {
  if (!carried(hash, placement)) return "nothing";
  return showingLink ? "reload" : "offer";
}

/**
 * The source a link carries, or a LinkError saying why not.
 * @param {{ version: string, code: string }} link
 * @param {string} current The module's version on this page.
 * @returns {Promise<string>}
 */
export async function unpack({ version, code }, current) {
  if (version !== current) throw new LinkError("it was made for another version of this figure");
  const damaged = new LinkError("the link is damaged (cut short or changed)");
  /** @type {Uint8Array<ArrayBuffer>} */
  let bytes;
  try {
    const text = atob(code.replaceAll("-", "+").replaceAll("_", "/"));
    bytes = Uint8Array.from(text, (char) => char.charCodeAt(0));
  } catch {
    throw damaged;
  }
  try {
    const source = await transform(bytes, new DecompressionStream("deflate-raw"), LIMIT);
    return new TextDecoder("utf-8", { fatal: true }).decode(source);
  } catch (error) {
    throw error instanceof LinkError ? error : damaged;
  }
}

/**
 * ``bytes`` through a (de)compression stream; a LinkError past ``limit`` bytes out.
 * @param {Uint8Array<ArrayBuffer>} bytes
 * @param {CompressionStream | DecompressionStream} stream
 * @param {number} limit
 */
async function transform(bytes, stream, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.length;
    if (size > limit) {
      await reader.cancel();
      throw new LinkError(`the code is larger than ${limit / 1024} KB`);
    }
    chunks.push(chunk.value);
  }
  const whole = new Uint8Array(size);
  chunks.reduce((at, chunk) => (whole.set(chunk, at), at + chunk.length), 0);
  return whole;
}

/**
 * The lines that differ between two sources, as a unified listing ("-" shipped, "+" link).
 * @param {string} before
 * @param {string} after
 */
export function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  // Longest common subsequence, by lengths from the end: a figure is a few hundred lines.
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
  /** @type {string[]} */
  const out = [];
  let [i, j] = [0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) [i, j] = [i + 1, j + 1];
    else if (i < a.length && (j === b.length || table[i + 1][j] >= table[i][j + 1]))
      out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out.join("\n");
}
