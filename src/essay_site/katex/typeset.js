// @ts-check
// Typeset TeX at build time as MathML, so math is on the page before any JavaScript runs.
// Usage: node typeset.js TEMML_PATH < [{tex, display}] > [{mathml} | {error}]
"use strict";

/**
 * The part of Temml used here.
 * @typedef {{ renderToString(tex: string, options: TemmlOptions): string }} Temml
 * @typedef {{
 *   displayMode: boolean,
 *   annotate: boolean,
 *   throwOnError: boolean,
 *   macros: Record<string, string>,
 * }} TemmlOptions
 */

/** @typedef {{ tex: string, display: boolean }} Formula One formula to typeset. */

const temml = /** @type {Temml} */ (require(process.argv[2]));

// \mid is the relation U+2223 with TeX's thick spaces, as KaTeX wrote it: Temml's own choice
// (a plain "|" with narrower spaces) would change what a screen reader says and look cramped.
const MACROS = { "\\mid": "\\mathrel{\\char\"2223}" };

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((/** @type {Formula} */ { tex, display }) => {
    try {
      // annotate: the TeX source rides along (<annotation>), never drawn, never read aloud.
      const options = { displayMode: display, annotate: true, throwOnError: true };
      return { mathml: temml.renderToString(tex, { ...options, macros: { ...MACROS } }) };
    } catch (error) {
      return { error: /** @type {Error} */ (error).message };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
