// Material's light/dark toggle, without the two whole-page restyles Material's own begins with
// on every load (it marks <body> as "switching", then reads the header's computed style, then
// sets a color-scheme <meta>: each makes every element of the page restyle).
// The build writes this inline, right after the toggle's form in the header: it runs before the
// rest of the page is parsed, so the reader's palette is on <body> before the first paint and
// restyles nothing. It keeps Material's markup and its stored choice ("__palette"). Unlike
// Material's, it stores only what the reader chooses, so until then it follows their system.
{
  const form = /** @type {HTMLFormElement} */ (document.querySelector("form[data-md-palette]"));
  const options = [...form.querySelectorAll("input")];
  const light = matchMedia("(prefers-color-scheme: light)");
  /** @param {string} name */
  const meta = (name) => document.head.appendChild(Object.assign(document.createElement("meta"), { name }));
  const colorScheme = meta("color-scheme");
  const themeColor = meta("theme-color");
  const COLOUR = ["media", "scheme", "primary", "accent"];

  /** The reader's choice if they made one, else the first option their system's scheme matches. */
  const chosen = () => {
    let stored = null;
    try {
      stored = __md_get("__palette");
    } catch {
      // Storage refused (site data blocked): the system's scheme, and the toggle still works.
    }
    const index = stored
      ? stored.index
      : options.findIndex((option) => matchMedia(option.dataset.mdColorMedia ?? "").matches);
    return Math.max(0, Math.min(Number(index) || 0, options.length - 1));
  };

  /** @param {number} index Put option `index`'s colours on <body> and show the next toggle. */
  const show = (index) => {
    let colours = options[index];
    // An option that follows the system takes its colours from the option for the system's scheme.
    if (colours.dataset.mdColorMedia === "(prefers-color-scheme)") {
      const system = `(prefers-color-scheme: ${light.matches ? "light" : "dark"})`;
      colours = options.find((option) => option.dataset.mdColorMedia === system) ?? colours;
    }
    for (const key of COLOUR) {
      document.body.setAttribute(`data-md-color-${key}`, colours.getAttribute(`data-md-color-${key}`) ?? "");
    }
    options.forEach((option, at) => {
      option.checked = at === index;
      const toggle = option.nextElementSibling;
      if (toggle instanceof HTMLElement) toggle.hidden = at !== index;
    });
    // The browser's own parts (scrollbars, a phone's address bar) in the header's colours.
    const header = getComputedStyle(/** @type {Element} */ (form.closest("header")));
    colorScheme.content = header.colorScheme;
    themeColor.content = header.backgroundColor;
  };

  /** @param {number} index Switch to option `index` as Material does: no colour eases meanwhile. */
  const switchTo = (index) => {
    document.body.setAttribute("data-md-color-switching", "");
    show(index);
    requestAnimationFrame(() => document.body.removeAttribute("data-md-color-switching"));
  };

  show(chosen());
  form.addEventListener("change", (event) => {
    const index = options.indexOf(/** @type {HTMLInputElement} */ (event.target));
    const color = Object.fromEntries(
      COLOUR.map((key) => [key, options[index].getAttribute(`data-md-color-${key}`)]),
    );
    __md_set("__palette", { index, color });
    switchTo(index);
  });
  // Material's keyboard: Enter on the toggle moves to the next option.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const next = options[(options.findIndex((option) => option.checked) + 1) % options.length];
    next.click();
    next.focus();
  });
  // Follows the system while the reader has chosen nothing (or chose the option that follows it).
  light.addEventListener("change", () => switchTo(chosen()));
}
