// @ts-check
// Sliders declared with drag="x" or "y" also follow a drag across the picture (mouse, pen
// or touch) and the arrow keys while the picture has focus.

import { firstControl } from "./controls.js";

/**
 * @param {HTMLElement} form The figure's controls.
 * @param {HTMLElement} output The picture.
 * @param {() => void} changed Called after the bound sliders moved.
 * @returns {() => void} Says again which sliders the picture moves, once the controls changed.
 */
export function enableDrag(form, output, changed) {
  // Looked up at each move: an edit's controls, or the build's put back, replace these.
  const sliders = () => /** @type {HTMLInputElement[]} */ ([...form.querySelectorAll("input[data-drag]")]);
  const describe = () => {
    const bound = sliders();
    output.toggleAttribute("data-drag", bound.length > 0);
    if (!bound.length) {
      // A keyboard user on the picture keeps their place (it is about to leave the tab
      // order): on the first control, else on the picture, out of the tab order.
      const focused = document.activeElement === output;
      const first = firstControl(form);
      output.removeAttribute("aria-label");
      if (focused && !first) {
        output.tabIndex = -1;
        return;
      }
      output.removeAttribute("tabindex");
      if (focused) first?.focus({ preventScroll: true });
      return;
    }
    // Each slider has its <label for> (essay_site/figures/markup.py), so `labels` is never null.
    const names = bound
      .map((input) => /** @type {NodeListOf<HTMLLabelElement>} */ (input.labels)[0].textContent.trim())
      .join(" and ");
    output.tabIndex = 0;
    output.setAttribute("aria-label", `Drag, or use the arrow keys, to change ${names}`);
  };
  describe();
  /**
   * @param {number} dx
   * @param {number} dy
   */
  const nudge = (dx, dy) => {
    const bound = sliders();
    if (!bound.length) return;
    for (const input of bound) {
      const delta = input.dataset.drag === "x" ? dx : dy;
      if (!delta) continue;
      const min = Number(input.min);
      const span = Number(input.max) - min;
      let value = Number(input.value) + delta * Number(input.dataset.perPixel);
      if ("wrap" in input.dataset) value = min + ((((value - min) % span) + span) % span);
      input.value = String(value);
    }
    changed();
  };
  /** @type {[number, number] | null} */
  let last = null;
  output.addEventListener("pointerdown", (event) => {
    if (!output.hasAttribute("data-drag")) return; // a picture without drag keeps its clicks
    last = [event.clientX, event.clientY];
    // Keep following the pointer outside the picture; synthetic events have no pointer.
    if (event.isTrusted) output.setPointerCapture(event.pointerId);
  });
  output.addEventListener("pointermove", (event) => {
    if (!last) return;
    const [x, y] = last;
    last = [event.clientX, event.clientY];
    nudge(event.clientX - x, y - event.clientY);
  });
  const stop = () => (last = null);
  output.addEventListener("pointerup", stop);
  output.addEventListener("pointercancel", stop);
  /** @type {Record<string, [number, number]>} */
  const keys = { ArrowLeft: [-10, 0], ArrowRight: [10, 0], ArrowUp: [0, 10], ArrowDown: [0, -10] };
  output.addEventListener("keydown", (event) => {
    if (!(event.key in keys) || !output.hasAttribute("data-drag")) return;
    event.preventDefault();
    nudge(...keys[event.key]);
  });
  return describe;
}
