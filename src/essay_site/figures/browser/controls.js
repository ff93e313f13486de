// @ts-check
// A figure's controls (the form under it): their values as Python sees them, the outputs
// that show them, and which set is in place. An edit may declare controls of its own; when
// its sandbox is stopped the figure's own code draws again, with the build's set put back.

import { fromURL } from "./permalink.js";

/**
 * Where a keyboard user goes when the control or picture they were on goes: the first control.
 * @param {HTMLElement} form
 */
export const firstControl = (form) => /** @type {HTMLElement | null} */ (form.querySelector("input, select, button"));

export class Controls {
  /**
   * @param {HTMLElement} form
   * @param {string} legend The class of the form's legend, which stays whatever the set.
   * @param {string} placement The figure's placement, which names its controls in a URL.
   */
  constructor(form, legend, placement) {
    this.form = form;
    this.legend = legend;
    this.placement = placement;
    /** The build's set, to put back (its own nodes: drag.js and the outputs know them). */
    this.built = this.set();
    /** Whether the set in place is an edit's. */
    this.edited = false;
  }

  /** The set in place: the form's children but its legend. */
  set() {
    return [...this.form.querySelectorAll(`:scope > :not(.${this.legend})`)];
  }

  // What a <form>'s elements would be: every control, in document order.
  get elements() {
    return [...this.form.querySelectorAll("button, input, output, select")];
  }

  // The controls' values, typed as Python should see them.
  values() {
    /** @type {Protocol.ControlState} */
    const state = {};
    // Every control here (input, select, button, output) has the name, type and value of an
    // input; `checked` is only read from checkboxes.
    for (const element of /** @type {HTMLInputElement[]} */ (this.elements)) {
      if (!element.name) continue;
      if (element.type === "checkbox") state[element.name] = element.checked;
      else if (element.type === "range" || element.type === "button") {
        state[element.name] = Number(element.value);
      } else state[element.name] = element.value;
    }
    return state;
  }

  show() {
    for (const output of this.form.querySelectorAll("output")) {
      const input = /** @type {HTMLInputElement | null} */ (
        this.form.querySelector(`#${CSS.escape(output.htmlFor.value)}`)
      );
      if (input) output.value = `${input.value}${output.dataset.unit || ""}`;
    }
  }

  /**
   * Put a set in place, each control taking the value of the outgoing one of its name if it
   * accepts it (as from a link): an edit's set starts as the reader left the figure's, and the
   * build's set comes back as the reader left the edit's.
   * @param {Node[]} nodes
   * @param {boolean} edited Whether it is an edit's, not the figure's own.
   * @returns {string[]} The names of the controls new to the figure.
   */
  replace(nodes, edited) {
    const old = this.values();
    const values = new URLSearchParams();
    for (const [name, value] of Object.entries(old)) {
      values.set(`${this.placement}.${name}`, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
    }
    // A keyboard user on a control keeps their place: on the one of its name, else the first.
    const focused = this.form.contains(document.activeElement) ? document.activeElement : null;
    this.set().forEach((node) => node.remove());
    this.form.append(...nodes);
    if (focused) {
      const name = CSS.escape(focused.getAttribute("name") ?? "");
      /** @type {HTMLElement | null} */ (this.form.querySelector(`[name="${name}"]`) ?? firstControl(this.form))?.focus({ preventScroll: true });
    }
    fromURL(this.form, this.placement, values.toString());
    // A button's value is its count of presses (a seed of the draw, say), which no link sets.
    for (const pressed of /** @type {NodeListOf<HTMLButtonElement>} */ (this.form.querySelectorAll("button[name]"))) {
      const count = old[pressed.name];
      if (typeof count === "number" && Number.isFinite(count)) pressed.value = String(count);
    }
    this.show();
    this.edited = edited;
    return Object.keys(this.values()).filter((name) => !(name in old));
  }

  /**
   * Controls new to the figure take their values from the address (a link's view, a reload),
   * as the build's did on arrival; whether any moved (a frame drawn before is then stale).
   * @param {string[]} names
   * @param {string} search
   */
  adopt(names, search) {
    const before = JSON.stringify(this.values());
    fromURL(this.form, this.placement, search, names);
    this.show();
    return JSON.stringify(this.values()) !== before;
  }

  /** The build's set back in place of an edit's; false if the figure's own set is in place. */
  restore() {
    if (!this.edited) return false;
    this.replace(this.built, false);
    return true;
  }
}
