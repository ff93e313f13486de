// @ts-check
// Drives Debian's Firefox ESR for tests/test_engines.py: puppeteer-core (pinned in
// package-lock.json) over WebDriver BiDi, no browser download. A line protocol on stdin and
// stdout, one JSON object a line each way:
//   {"op": "goto", "url": "..."}            -> {"value": null}   a fresh tab; errors reset
//   {"op": "evaluate", "expression": "..."} -> {"value": <JSON>}  an async expression
//   {"op": "errors"}                        -> {"value": {"errors": [...], "external": [...]}}
// and {"error": "..."} when a command fails. The browser closes when stdin does.
//
// Nothing may leave the machine: every http(s) request but those to 127.0.0.1 goes to the
// proxy on 127.0.0.1:$PROXY_PORT (drivers.py's RecordingProxy), which forwards nothing and
// notes each, whether from the page, its workers or Firefox itself. "external" is what the
// tab's own request events saw besides (the page's requests).
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const FIREFOX = process.env.FIREFOX || "/usr/bin/firefox-esr";
const PROXY_PORT = Number(process.env.PROXY_PORT);
if (!Number.isInteger(PROXY_PORT) || PROXY_PORT <= 0) {
  throw new Error(`PROXY_PORT must be the recording proxy's port, not "${process.env.PROXY_PORT}"`);
}
// Firefox logs this when it lays out a MathML element the HTML parser is half-way through:
// a transient state of parsing, not an error of the page (the page as built has none:
// tests/test_math.py). Exactly this one is forgiven, as a console message or, as Firefox
// also reports it, a page error ("Error: Invalid markup: ...", seen under load).
const FORGIVEN = /^(Error: )?Invalid markup: Incorrect number of children for <m\w+\/> tag\.$/;

// Firefox's release builds sync Remote Settings with Mozilla's server at start, whatever the
// profile says, unless this variable lets services.settings.server (below) name another.
process.env.MOZ_REMOTE_SETTINGS_DEVTOOLS = "1";
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: FIREFOX,
  headless: true,
  extraPrefsFirefox: {
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": PROXY_PORT,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": PROXY_PORT,
    "network.proxy.no_proxies_on": "127.0.0.1",
    "network.proxy.allow_hijacking_localhost": false,
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    "network.dns.disablePrefetch": true,
    "network.prefetch-next": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
  },
});

/** @type {import("puppeteer-core").Page | null} */
let page = null;
/** @type {string[]} */
let errors = [];
/** @type {string[]} */
let external = [];

// Firefox alone has stalled a figure now and then (no frame, nothing said): the page keeps
// the last messages between it and its workers (type, figure, time), and a frame that never
// comes names them (page.js), so the next stall says whether the worker took its request.
const RECORD = `(() => {
  const Base = window.Worker;
  if (!Base || window.__engineWorkerLog) return;
  const log = (window.__engineWorkerLog = []);
  const note = (way, message) => {
    const data = (message && message.data) || {};
    log.push(\`\${Math.round(performance.now())} \${way} \${message && message.type} \${data.id || ""} \${data.request || ""}\`);
    if (log.length > 60) log.shift();
  };
  window.Worker = class extends Base {
    constructor(url, options) {
      super(url, options);
      const name = String(url).split("/").pop();
      this.addEventListener("message", (event) => note(\`\${name} ->\`, event.data));
    }
    postMessage(message, ...rest) {
      note("->", message);
      super.postMessage(message, ...rest);
    }
  };
})();`;

/** @param {string} url */
async function open(url) {
  if (page) await page.close();
  errors = [];
  external = [];
  const tab = await browser.newPage();
  tab.on("console", (message) => {
    if (message.type() === "error" && !FORGIVEN.test(message.text())) errors.push(message.text());
  });
  tab.on("pageerror", (error) => {
    if (!FORGIVEN.test(String(error))) errors.push(String(error));
  });
  tab.on("request", (request) => {
    const address = new URL(request.url());
    if (/^(https?|wss?):$/.test(address.protocol) && address.hostname !== "127.0.0.1") {
      external.push(request.url());
    }
  });
  page = tab;
  await tab.evaluateOnNewDocument(RECORD);
  await tab.goto(url);
  return null;
}

/** @param {{ op: string, url?: string, expression?: string }} command */
async function perform(command) {
  if (command.op === "goto") return open(/** @type {string} */ (command.url));
  if (command.op === "errors") return { errors, external };
  if (!page) throw new Error("no page is open");
  if (command.op === "evaluate") return page.evaluate(/** @type {string} */ (command.expression));
  throw new Error(`unknown command ${command.op}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = { value: (await perform(JSON.parse(line))) ?? null };
  } catch (error) {
    answer = { error: String(error instanceof Error ? error.message : error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await browser.close();
