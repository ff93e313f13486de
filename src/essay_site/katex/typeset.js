// @ts-check
// Typeset TeX at build time, so math is on the page before any JavaScript runs.
// Usage: node typeset.js KATEX_PATH < [{tex, display}] > [{html} | {error}]
"use strict";

/**
 * The part of KaTeX used here.
 * @typedef {{ renderToString(tex: string, options: KatexOptions): string }} Katex
 * @typedef {{ displayMode: boolean, throwOnError: boolean }} KatexOptions
 */

/** @typedef {{ tex: string, display: boolean }} Formula One formula to typeset. */

const katex = /** @type {Katex} */ (require(process.argv[2]));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((/** @type {Formula} */ { tex, display }) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: display, throwOnError: true }) };
    } catch (error) {
      return { error: /** @type {Error} */ (error).message };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
