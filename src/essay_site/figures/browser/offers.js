// @ts-check
// Code a figure runs only once the reader says so, offered in a notice under its status line:
// a kept edit made on an earlier version of the page, or stopped the last time it ran
// (edits.js), and the code a link carries (share.js).

import { button } from "./dom.js";
import { carried, lineDiff, unpack } from "./share.js";

/** @typedef {import("./figure.js").Figure} Figure */

/**
 * The notice goes once the reader has answered it. The focus, on the button pressed, goes to
 * the figure's status line, which says what happens next, not back to the top of the page.
 * @param {Figure} figure
 * @param {HTMLElement} notice
 */
function answered(figure, notice) {
  const focused = notice.contains(document.activeElement);
  notice.remove();
  if (!focused) return;
  figure.status.tabIndex = -1;
  figure.status.focus();
}

/**
 * A kept edit of this version runs as the figure; one of another version, or one that was
 * stopped, asks first.
 * @param {Figure} figure
 */
export function recall(figure) {
  const kept = figure.edits.recall();
  if (!kept) return;
  if (kept.current && !kept.stopped) return figure.use(kept.source);
  const ask = figure.notice("p");
  ask.textContent = kept.current
    ? "Your edit of this figure's Python was stopped the last time it ran. "
    : "You edited this figure's Python for an earlier version of this page. ";
  ask.append(
    button("Run my edit", () => {
      answered(figure, ask);
      figure.use(kept.source);
      figure.run(kept.source);
    }),
    button("Discard it", () => {
      answered(figure, ask);
      figure.edits.keep(null);
    }),
  );
}

/**
 * A link may carry changed code for this figure (share.js): never run without the reader's
 * click. The notice says what the link holds, shows the change, and runs it when asked; a
 * link that cannot be offered says why, and the figure stays as shipped. On arrival, and for
 * a link followed on this page (only its fragment changes: there is no new load).
 * @param {Figure} figure
 * @param {URL} shippedURL The module as shipped, to show what the link changes.
 */
export async function offerLinkedEdit(figure, shippedURL) {
  const link = carried(location.hash, figure.placement);
  if (!link) return;
  figure.linkNotice?.remove(); // a link followed since replaces the last one's offer
  const notice = figure.notice("div");
  figure.linkNotice = notice;
  notice.setAttribute("role", "note");
  figure.root.scrollIntoView();
  /** @type {string} */
  let source;
  try {
    source = await unpack(link, figure.panel.version);
  } catch (error) {
    notice.textContent =
      `This link carries code for this figure that is not run: ${/** @type {Error} */ (error).message}. ` +
      "The figure shows its own code.";
    return;
  }
  notice.textContent = "This link carries a changed version of this figure's code. ";
  const change = document.createElement("pre");
  change.hidden = true;
  notice.append(
    button("Show it", async () => {
      const response = await fetch(shippedURL);
      change.textContent = response.ok ? lineDiff(await response.text(), source) : source;
      change.hidden = false;
    }),
    button("Run it", () => {
      answered(figure, notice);
      figure.linked = source;
      figure.use(source);
      // Not live yet and no sandbox: it runs as the figure goes live, as a kept edit does. With
      // a sandbox (a kept edit replaying, one started ahead), it runs there now or next.
      if (figure.state === "live" || figure.bridge.sandboxes.has(figure.id)) figure.run(source);
    }),
    change,
  );
}
