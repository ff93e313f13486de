// @ts-check
// Edits carried by a link (src/essay_site/figures/browser/share.js): round trip, and every way
// a link can be wrong says so instead of running anything.
import assert from "node:assert/strict";
import { test } from "node:test";

import { LIMIT, LinkError, carried, followed, lineDiff, toFragment, unpack } from "../../src/essay_site/figures/browser/share.js";

/** @typedef {NonNullable<ReturnType<typeof carried>>} Link The code a link carries. */

const SOURCE = "from essay_site.figures.api import Frame\n# é, ü: not ASCII\nCONTROLS = ()\n";

test("a fragment carries the source to its placement, and back", async () => {
  const hash = await toFragment("dice-2", "v1", SOURCE);
  assert.equal(carried(hash, "dice"), null, "another placement's edit is not this one's");
  const link = /** @type {Link} */ (carried(hash, "dice-2"));
  assert.equal(await unpack(link, "v1"), SOURCE);
});

test("a link followed on an open page is offered, or the page loads anew over an earlier link's code", async () => {
  const hash = await toFragment("dice-2", "v1", SOURCE);
  assert.equal(followed(hash, "dice-2", false), "offer");
  assert.equal(followed(hash, "dice-2", true), "reload", "an earlier link's code is not kept beside a new offer");
  assert.equal(followed(hash, "dice", true), "nothing", "another placement's link leaves this figure be");
  assert.equal(followed("#figure-dice-2", "dice-2", true), "nothing", "a jump to the figure is no link to its code");
});

test("a link made on another version is refused", async () => {
  const link = /** @type {Link} */ (carried(await toFragment("dice", "v1", SOURCE), "dice"));
  await assert.rejects(unpack(link, "v2"), (error) => error instanceof LinkError && /another version/.test(error.message));
});

test("a damaged link is refused, never half-read", async () => {
  const link = /** @type {Link} */ (carried(await toFragment("dice", "v1", SOURCE), "dice"));
  for (const code of [link.code.slice(0, 10), `${link.code}!!`, "%%%"]) {
    await assert.rejects(unpack({ ...link, code }, "v1"), /damaged/);
  }
});

test("a link whose code is larger than the limit once decoded is refused", async () => {
  const big = "x".repeat(LIMIT + 1);
  await assert.rejects(toFragment("dice", "v1", big), /larger than 64 KB/);
  // Made by hand (as a hostile link would be): small in the address, huge decoded.
  const bytes = new TextEncoder().encode(big);
  const packed = new Uint8Array(
    await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer(),
  );
  const code = btoa(String.fromCharCode(...packed)).replaceAll("+", "-").replaceAll("/", "_");
  assert.ok(code.length < 1000);
  await assert.rejects(unpack({ version: "v1", code }, "v1"), /larger than 64 KB/);
});

test("the diff lists the changed lines only", () => {
  assert.equal(lineDiff("a\nb\nc", "a\nB\nc\nd"), "- b\n+ B\n+ d");
});
