// @ts-check
// Offline reading, as the reader sees it: registers the site's service worker (../../sw.js)
// once the page's first figure is live, so saving never competes with it for bandwidth, and
// says in the header what it is doing: "Saving for offline reading… 40%", "Available
// offline", "A new version of this essay is available" with a button to reload, or that
// the saved copy is damaged (a file in it was altered) and will be saved again online.
// With the browser's data saver on, nothing is saved until the reader asks.
(() => {
  "use strict";

  const script = /** @type {HTMLScriptElement} */ (document.currentScript);
  const container = navigator.serviceWorker;
  // Service workers need http(s) (a secure context); from disk the page reads as it is.
  if (!container || !window.isSecureContext || location.protocol === "file:") return;
  const workerURL = new URL(/** @type {string} */ (script.dataset.worker), location.href);

  const status = document.createElement("div");
  status.className = "offline-reading";
  status.setAttribute("role", "status");
  const text = document.createElement("span");
  status.append(text);

  /**
   * @param {string} message
   * @param {{ label: string, action: () => void } | null} [button]
   */
  function show(message, button = null) {
    text.textContent = message;
    status.querySelector("button")?.remove();
    if (button) {
      const element = document.createElement("button");
      element.type = "button";
      element.textContent = button.label;
      element.addEventListener("click", button.action, { once: true });
      status.append(element);
    }
    status.dataset.offline = message === "Available offline" ? "saved" : "";
  }

  let reloading = false;
  // Once a new version is offered, late progress messages of its saving must not hide the offer.
  let offered = false;
  container.addEventListener("controllerchange", () => {
    if (reloading) location.reload();
  });

  /** @param {ServiceWorker} waiting */
  function offerUpdate(waiting) {
    offered = true;
    show("A new version of this essay is available.", {
      label: "Reload",
      action: () => {
        // Another tab's Reload may have made it this page's worker already: then no controller
        // changes any more, and this page only has to load again.
        if (waiting.state === "activated" || container.controller === waiting) return location.reload();
        reloading = true;
        waiting.postMessage({ type: "activate" });
      },
    });
  }

  container.addEventListener("message", ({ data, source }) => {
    // Every site's worker on this origin (GitHub Pages project sites share one) tells every
    // page of it: only this site's is heard.
    if (offered || /** @type {ServiceWorker | null} */ (source)?.scriptURL !== workerURL.href) return;
    if (data.type === "progress") {
      const percent = Math.floor((100 * data.done) / data.total);
      const what = container.controller ? "Saving the new version" : "Saving for offline reading";
      show(`${what}… ${percent}%`);
    } else if (data.type === "saved" && !reloading) show("Available offline");
    // With a saved copy in use, that copy is still whole: only the new version is not.
    else if (data.type === "failed" && container.controller) show("Could not save the new version; will try on the next visit.");
    else if (data.type === "failed") show("Could not save for offline reading; will try on the next visit.");
    // A saved file was altered (by a script of this origin) and the server is out of reach:
    // the worker served an error instead, and fetches the file again once online.
    else if (data.type === "damaged") show("The saved copy is damaged; it will be saved again when you are online.");
  });

  // A page the saved copy answered (controlled) only watches the registration it came from.
  // register() would bring back one that a retiring worker (a build without offline reading)
  // is removing at that moment: the browser keeps a registration re-registered while it is
  // being removed, and that retiring worker, already active, never runs again to remove it.
  async function register() {
    const registration = container.controller
      ? await container.getRegistration()
      : await container.register(workerURL);
    if (!registration) return; // removed already: the next visit is an ordinary one
    // An update is a worker that began installing while this page was already controlled. The
    // first one claims the page as it activates, and an engine may tell of its "installed"
    // after that (WebKit did): it is no new version.
    /** @param {ServiceWorker | null} worker */
    const watch = (worker) => {
      const update = Boolean(container.controller);
      worker?.addEventListener("statechange", () => {
        if (worker.state === "installed" && update) offerUpdate(worker);
      });
    };
    if (registration.waiting && container.controller) offerUpdate(registration.waiting);
    watch(registration.installing);
    registration.addEventListener("updatefound", () => watch(registration.installing));
    // The browser looks for a new sw.js after each navigation, but Chromium puts that off
    // while requests keep the worker busy (a loading page, for a minute on a slow computer):
    // asked once the page is live, a new build, or one without offline reading, is found on
    // this visit. Offline there is nothing to find: the saved copy is what the reader reads.
    if (container.controller) whenPageIsLive().then(() => registration.update()).catch(() => {});
  }

  // After the first live figure (or, on a page without figures, once it has loaded).
  function whenPageIsLive() {
    return new Promise((resolve) => {
      if (!document.querySelector("[data-widget]")) {
        if (document.readyState === "complete") resolve(undefined);
        else addEventListener("load", resolve, { once: true });
        return;
      }
      // figure:frame does not bubble, but every event passes the document while capturing.
      document.addEventListener("figure:frame", resolve, { capture: true, once: true });
    });
  }

  /** @param {Error} error */
  const failed = (error) => show(`Offline reading is unavailable (${error.message}).`);

  function begin() {
    (document.querySelector(".md-header__inner") || document.body).append(status);
    if (container.controller) {
      show("Available offline");
      register().catch(failed);
      return;
    }
    // navigator.connection is Chromium's; elsewhere there is no data saver to respect.
    const saveData = /** @type {{ connection?: { saveData?: boolean } }} */ (navigator).connection?.saveData;
    if (saveData) {
      show("Data saver is on.", {
        label: "Save for offline reading",
        action: () => register().catch(failed),
      });
      return;
    }
    whenPageIsLive().then(() => register().catch(failed));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
