// @ts-check
// What the engine scenarios (scenarios.js) share: waits, the figures' DOM contract, and acting
// on controls as a reader would. The drivers evaluate this file's text, then scenarios.js's,
// in one async function (tests/engines/drivers.py), so these names are local to that call.

const FRAME = "figure:frame";

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wait until ``test`` returns something truthy, or fail after ``timeout`` ms saying ``what``.
 * @template T
 * @param {() => T} test
 * @param {number} timeout
 * @param {() => string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function until(test, timeout, what) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = test();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms: ${what()}`);
    await sleep(50);
  }
}

const roots = () => /** @type {HTMLElement[]} */ ([...document.querySelectorAll("[data-widget]")]);
const states = () => roots().map((root) => `${root.dataset.widget}=${root.dataset.state}`).join(" ");
/**
 * What a figure's status line says (its text, not the link button beside it).
 * @param {HTMLElement | undefined} root
 */
const statusOf = (root) => root?.querySelector(".live-figure__status > span")?.textContent?.trim();

/** @param {string} widget */
function figure(widget) {
  const root = /** @type {HTMLElement | null} */ (document.querySelector(`[data-widget="${widget}"]`));
  if (!root) throw new Error(`no figure ${widget}`);
  return root;
}

// What a link's code said it was attempting and had attempted (tests/engines/attacks.py), heard
// from the first call on: if a frame never comes, the attempt begun and not ended holds its worker.
/** @type {string[]} */
const attempts = /** @type {any} */ (window).__engineAttempts || [];
if (!(/** @type {any} */ (window).__engineAttempts)) {
  /** @type {any} */ (window).__engineAttempts = attempts;
  addEventListener("message", ({ data }) => {
    const label = data?.type === "progress" ? String(data.data?.label) : "";
    if (label.startsWith("attempt")) attempts.push(label);
  });
}

// Frames painted per figure, counted from the first call on (figure:frame does not bubble).
/** @type {WeakMap<HTMLElement, number>} */
const counted = /** @type {any} */ (window).__engineFrames || new WeakMap();
/** @type {any} */ (window).__engineFrames = counted;
/** @param {HTMLElement} root */
function frameCount(root) {
  if (!counted.has(root)) {
    counted.set(root, 0);
    root.addEventListener(FRAME, () => counted.set(root, (counted.get(root) || 0) + 1));
  }
  return /** @type {number} */ (counted.get(root));
}

/** What a figure shows: its markup and its canvases' pixels. @param {HTMLElement} root */
function picture(root) {
  const output = /** @type {HTMLElement} */ (root.querySelector(".live-figure__output"));
  const canvases = [...output.querySelectorAll("canvas")].map((canvas) => canvas.toDataURL());
  return output.innerHTML + canvases.join();
}

/**
 * A reader's run: the figure's first starts its sandbox's Python from scratch, which took
 * WebKit over 30 s with both cores busy. A ceiling far above, within the drivers' own (the
 * Firefox runner's protocol allows a call 180 s).
 */
const RUN_MS = 120_000;

/**
 * Do ``act`` and wait for the figure's next frame.
 * @param {HTMLElement} root
 * @param {() => void} act
 * @param {string} what
 * @param {number} [ceiling] How long it may take, in ms.
 */
async function framed(root, act, what, ceiling = 20_000) {
  const before = frameCount(root);
  act();
  const sandboxes = () => document.querySelectorAll("iframe[sandbox]").length;
  // Where a driver records the page's traffic with its workers (firefox.mjs), the last of it.
  const traffic = () => (/** @type {any} */ (window).__engineWorkerLog || []).slice(-25).join(" | ");
  await until(() => frameCount(root) > before, ceiling, () =>
    `no frame after ${what} at ${Math.round(performance.now())} (${root.dataset.state}: "${statusOf(root)}"; ${states()}; ${sandboxes()} sandboxes; worker traffic: ${traffic()})`);
}

/**
 * Set a control as a reader would, and tell the page (input, then change).
 * @param {HTMLInputElement | HTMLSelectElement} control
 * @param {string} value
 */
function set(control, value) {
  control.value = value;
  control.dispatchEvent(new Event("input", { bubbles: true }));
  control.dispatchEvent(new Event("change", { bubbles: true }));
}

/** A value of a control other than its current one. @param {Element} control */
function change(control) {
  if (control instanceof HTMLButtonElement) return () => control.click();
  if (control instanceof HTMLSelectElement) {
    const next = (control.selectedIndex + 1) % control.options.length;
    return () => set(control, control.options[next].value);
  }
  const input = /** @type {HTMLInputElement} */ (control);
  if (input.type === "checkbox") {
    return () => {
      input.click(); // toggles it, with input and change, as a reader's click does
    };
  }
  const [low, high, step] = [Number(input.min), Number(input.max), Number(input.step) || 1];
  const now = Number(input.value);
  // Some steps away, towards the side with room (a small step may round to the same picture).
  const room = high - now >= now - low ? 1 : -1;
  const target = Math.min(high, Math.max(low, now + room * Math.max(step, (high - low) / 4)));
  return () => set(input, String(target));
}

/** The controls a reader can use in a figure's form. @param {HTMLElement} root */
const controls = (root) =>
  [...root.querySelectorAll("[role=form] :is(button, input, output, select)")].filter(
    (e) => e instanceof HTMLButtonElement ? e.name !== "" : "name" in e && e.name !== "",
  );

/** The pixel explosion's label at n pixels (the slider moved there first). @param {number} n */
async function label(n) {
  const root = figure("pixel_explosion");
  root.scrollIntoView({ block: "center" });
  const slider = /** @type {HTMLInputElement} */ (root.querySelector('input[name="n"]'));
  if (slider.value !== String(n)) await framed(root, () => set(slider, String(n)), `n=${n}`);
  const shown = /** @type {HTMLElement} */ (root.querySelector('[data-role="bar-label"]'));
  return {
    n: root.querySelector('[data-role="n"]')?.textContent,
    over: shown.classList.contains("gm-px__label--over"),
    colour: getComputedStyle(shown).color,
  };
}

/** A button of ``within`` by its text. @param {Element} within @param {string} text */
function named(within, text) {
  return /** @type {HTMLButtonElement | undefined} */ (
    [...within.querySelectorAll("button")].find((b) => b.textContent === text)
  );
}

/** Wait for a figure's notice about code a link carries. @param {HTMLElement} root */
const linkNotice = (root) =>
  until(() => /** @type {HTMLElement | null} */ (root.querySelector('[role="note"]')), 20_000, () => "no notice");

/**
 * Run the code a followed link offers, once framed. The notice of a link followed before (one
 * refused) stays until this link, decoded, replaces it: wait for the offer itself, never take
 * the notice that happens to be there. @param {HTMLElement} root
 */
async function runOffered(root) {
  const notice = () => root.querySelector('[role="note"]');
  const run = await until(
    () => { const shown = notice(); return shown && named(/** @type {HTMLElement} */ (shown), "Run it"); },
    20_000,
    () => `no 'Run it' button (the notice says: ${notice()?.textContent})`,
  );
  await framed(root, () => run.click(), "Run it", RUN_MS);
}

/**
 * Wait until a figure's run of edited code has ended; how: "ok", else "error" and what the
 * figure says of it (in its editor, or beside it when none is open).
 * @param {HTMLElement} root
 */
async function ran(root) {
  await until(() => root.dataset.run && root.dataset.run !== "running", RUN_MS, () => `run: ${root.dataset.run}`);
  if (root.dataset.run === "ok") return "ok";
  const said = [...root.querySelectorAll('[role="alert"]')].map((e) => e.textContent).join(" ");
  return `${root.dataset.run}: ${said.trim()}`;
}

/**
 * Select ``from`` in the editor's line ``line`` through the DOM, then insert ``to`` over it with
 * execCommand: the path of a reader's typing in every engine.
 * @param {HTMLElement} content The editor's ``.cm-content``.
 * @param {string} line
 * @param {string} from
 * @param {string} to
 */
async function typeOver(content, line, from, to) {
  // CodeMirror draws only the lines near the window's view: its first screenful, then.
  content.scrollIntoView({ block: "start" });
  const target = await until(
    () => [...content.querySelectorAll(".cm-line")].find((e) => e.textContent === line),
    5_000,
    () => `no line "${line}" in the editor: ${[...content.querySelectorAll(".cm-line")].map((e) => e.textContent).join(" | ")}`,
  );
  content.focus();
  const selection = /** @type {Selection} */ (getSelection());
  // Selects ``from`` in that line (found again each time: the editor may have drawn it anew).
  const select = () => {
    const at = (target.textContent || "").indexOf(from);
    const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let node = /** @type {Text | null} */ (walker.nextNode());
    while (node && seen + node.data.length <= at) {
      seen += node.data.length;
      node = /** @type {Text | null} */ (walker.nextNode());
    }
    if (!node || node.data.length - (at - seen) < from.length) throw new Error(`"${from}" is split across tokens`);
    const range = document.createRange();
    range.setStart(node, at - seen);
    range.setEnd(node, at - seen + from.length);
    selection.removeAllRanges();
    selection.addRange(range);
  };
  select();
  await until(() => selection.toString() === from, 5_000, () => `"${from}" is not selected`);
  // The editor reads the selection on selectionchange, if it has the focus, and then draws it
  // (its selection layer): an insertion before that lands where its own selection was. Twice,
  // in WebKit under load, it drew nothing in 90 s, the second time with that ceiling. Not
  // reproduced here (a main thread held 0-100 ms after selecting: drawn 24 times of 24): so the
  // focus and the selection, should either have gone meanwhile, are given again until drawn,
  // and a timeout says where both were.
  const editor = /** @type {HTMLElement} */ (content.closest(".cm-editor"));
  const where = () => {
    const active = document.activeElement;
    return `focus on ${active?.tagName.toLowerCase()}.${active?.className}, selected "${selection.toString()}"`;
  };
  await until(
    () => {
      if (editor.querySelector(".cm-selectionBackground")) return true;
      if (document.activeElement !== content) content.focus();
      if (selection.toString() !== from && target.isConnected) select();
      return false;
    },
    90_000,
    () => `the editor has not seen the selection (${where()})`,
  );
  document.execCommand("insertText", false, to);
}
