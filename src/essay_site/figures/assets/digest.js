// @ts-check
// A file's sha256 as hex: the memory snapshot's, written beside it by snapshot.js and checked
// by worker.js before it is restored.

/** @param {Uint8Array<ArrayBuffer>} bytes */
export async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
