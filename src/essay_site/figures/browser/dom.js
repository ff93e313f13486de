// @ts-check
// Small DOM helpers the figure and its code panel share.

/**
 * A plain button that calls ``action`` when clicked.
 * @param {string} label
 * @param {() => void} action
 */
export function button(label, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  element.addEventListener("click", action);
  return element;
}

/**
 * Put ``text`` on the clipboard, and say so on the button that asked. Without a clipboard
 * (plain http from another machine is no secure context) or with the reader refusing it, the
 * text is shown beside the button instead, selected, for the reader to copy.
 * @param {string} text
 * @param {Element} button
 * @param {string} said What the button says once the text is copied.
 * @param {string} name The field's accessible name, if it comes to that.
 */
export async function copy(text, button, said, name) {
  try {
    if (!navigator.clipboard) throw new Error("no clipboard here");
    await navigator.clipboard.writeText(text);
    button.textContent = said;
  } catch {
    offerToCopy(text, button, name);
  }
}

/**
 * @param {string} text
 * @param {Element} button
 * @param {string} name
 */
function offerToCopy(text, button, name) {
  const next = button.nextElementSibling;
  const field =
    next instanceof HTMLTextAreaElement && next.classList.contains(COPY_FIELD)
      ? next
      : document.createElement("textarea");
  field.className = COPY_FIELD;
  field.readOnly = true;
  field.setAttribute("aria-label", name);
  field.rows = Math.min(text.split(/\n/).length, 12);
  field.value = text;
  if (field !== next) button.after(field);
  field.focus();
  field.select();
}

const COPY_FIELD = "live-copy-field";

// How long a download's address outlives its click: revoked at once, it may be gone before
// the browser starts the download (Firefox and Safari start it after the click returns).
export const KEEP_DOWNLOAD_MS = 60_000;

/**
 * Offer ``blob`` to the reader as a file named ``name``.
 * @param {Blob} blob
 * @param {string} name
 */
export function save(blob, name) {
  const link = document.createElement("a");
  const address = URL.createObjectURL(blob);
  link.href = address;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(address), KEEP_DOWNLOAD_MS);
}
