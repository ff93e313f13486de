// @ts-check
// Two small DOM helpers the figure and its code panel share.

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
 * Put ``text`` on the clipboard, and say so on the button that asked.
 * @param {string} text
 * @param {Element} button
 * @param {string} said
 */
export async function copy(text, button, said) {
  await navigator.clipboard.writeText(text);
  button.textContent = said;
}
