// @ts-check
// Shareable state: ?<figure>.<control>=<value>, e.g. ?pixel_explosion.n=28. A URL is
// anyone's: a value only ever sets a control of the figure it names, within the control's
// own bounds (a number within the slider's range, a choice among the menu's options);
// anything else is ignored. The address names only what differs from the figure as built.

/**
 * What a URL value may become, by the kind of control it is for.
 * @typedef {{ kind: "select", options: string[] } | { kind: "checkbox" }
 *   | { kind: "range", min: number, max: number } | { kind: "other" }} ControlKind
 */

/**
 * The value a control takes from a URL, or null to leave the control as it is.
 * @param {ControlKind} control
 * @param {string} value
 * @returns {string | boolean | null}
 */
export function accepted(control, value) {
  switch (control.kind) {
    case "select":
      return control.options.includes(value) ? value : null;
    case "checkbox":
      return value === "1";
    case "range": {
      const number = Number(value);
      if (!value.trim() || !Number.isFinite(number)) return null;
      return String(Math.min(control.max, Math.max(control.min, number)));
    }
    default:
      return null;
  }
}

/**
 * The URL's values for one figure's controls, by control name.
 * @param {string} search A location's search part.
 * @param {string} widget
 * @returns {[string, string][]}
 */
export function valuesFor(search, widget) {
  const prefix = `${widget}.`;
  return [...new URLSearchParams(search)]
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, value]) => [key.slice(prefix.length), value]);
}

/** @param {Element | null} control @returns {ControlKind} */
function kindOf(control) {
  if (control instanceof HTMLSelectElement) {
    return { kind: "select", options: [...control.options].map((option) => option.value) };
  }
  if (control instanceof HTMLInputElement && control.type === "checkbox") return { kind: "checkbox" };
  if (control instanceof HTMLInputElement && control.type === "range") {
    return { kind: "range", min: Number(control.min || 0), max: Number(control.max || 100) };
  }
  return { kind: "other" };
}

/**
 * Set a figure's controls from the address.
 * @param {HTMLElement} form
 * @param {string} widget
 * @param {string} search
 * @param {string[]} [only] The names of the controls to set, if not all.
 */
export function fromURL(form, widget, search, only) {
  for (const [name, value] of valuesFor(search, widget)) {
    if (only && !only.includes(name)) continue;
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const next = accepted(kindOf(control), value);
    if (next === null) continue;
    if (typeof next === "boolean") /** @type {HTMLInputElement} */ (control).checked = next;
    else /** @type {HTMLInputElement | HTMLSelectElement} */ (control).value = next;
  }
}

/**
 * ``url`` with a figure's controls written in, where they differ from the figure as built.
 * Parameters of other names stay: a link's code, not yet run, may declare them.
 * @param {Element[]} controls
 * @param {string} widget
 * @param {URL} url
 */
export function toURL(controls, widget, url) {
  for (const control of /** @type {(HTMLInputElement | HTMLSelectElement)[]} */ (controls)) {
    if (!control.name || control.type === "button") continue;
    const key = `${widget}.${control.name}`;
    const [now, built] =
      control instanceof HTMLInputElement && control.type === "checkbox"
        ? [control.checked ? "1" : "0", control.defaultChecked ? "1" : "0"]
        : control instanceof HTMLSelectElement
          ? [
              control.value,
              [...control.options].find((o) => o.defaultSelected)?.value ?? control.options[0]?.value,
            ]
          : [control.value, /** @type {HTMLInputElement} */ (control).defaultValue];
    if (now === built) url.searchParams.delete(key);
    else url.searchParams.set(key, now);
  }
  return url;
}
