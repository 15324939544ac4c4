// Drives the dashboard in headless Chromium for DashboardBrowserIT. The test sends one JSON command per line on stdin
// and reads one JSON answer per line on stdout; diagnostics go to stderr. Commands:
//   {"cmd":"open","token":"..."}                     opens the page (and signs in with the token, when given)
//   {"cmd":"read"}                                   what the page shows now: summary and every table row
//   {"cmd":"screenshot","path":"/abs/file.png"}      a full-page screenshot
//   {"cmd":"close"}
// Usage: NODE_PATH=<.tools/node/node_modules> node dashboard.js <dashboard URL> [chromium executable]
"use strict";

const readline = require("readline");
const { chromium } = require("playwright-core");

const url = process.argv[2];
const executablePath = process.argv[3] || "/usr/bin/chromium";
if (!url) {
  process.stderr.write("usage: node dashboard.js <dashboard URL> [chromium executable]\n");
  process.exit(2);
}
const WAIT_MS = 120000;

let browser = null;
let page = null;

function answer(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

async function open(token) {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--headless"] });
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on("console", (message) => process.stderr.write("[page] " + message.type() + ": " + message.text() + "\n"));
  page.on("pageerror", (error) => process.stderr.write("[page error] " + error.message + "\n"));
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: WAIT_MS });
  if (token) {
    // The console is guarded: the page must ask for the token, and the stream opens once it is given.
    await page.waitForSelector("#sign-in[open]", { timeout: WAIT_MS });
    await page.fill("#token", token);
    await page.click("#sign-in button[type=submit]");
  }
  await page.waitForSelector('body[data-connection="live"]', { timeout: WAIT_MS });
  // A mark that a reload would wipe: the test reads it back to prove the page updated in place.
  const marker = await page.evaluate(() => {
    window.__dashboardMarker = "m-" + Math.random().toString(36).slice(2);
    return window.__dashboardMarker;
  });
  return { marker, signedIn: Boolean(token) };
}

async function read() {
  return page.evaluate(() => {
    const text = (node) => (node ? node.textContent.trim() : null);
    const fields = (row) => {
      const values = {};
      row.querySelectorAll("td[data-field]").forEach((td) => (values[td.getAttribute("data-field")] = text(td)));
      return values;
    };
    const summary = {};
    document.querySelectorAll("[data-summary]").forEach((n) => (summary[n.getAttribute("data-summary")] = text(n)));
    return {
      marker: window.__dashboardMarker || null,
      connection: document.body.getAttribute("data-connection"),
      version: Number(document.body.getAttribute("data-version") || -1),
      summary,
      workers: [...document.querySelectorAll("#workers tbody tr")].map((r) => ({
        id: r.getAttribute("data-worker-id"),
        fields: fields(r),
      })),
      tenants: [...document.querySelectorAll("#tenants tbody tr")].map((r) => ({
        tenant: r.getAttribute("data-tenant"),
        fields: fields(r),
      })),
      tasks: [...document.querySelectorAll("#tasks tbody tr")].map((r) => ({
        id: r.getAttribute("data-request-id"),
        status: r.getAttribute("data-status"),
        fields: fields(r),
        steps: [...r.querySelectorAll("[data-step]")].map((s) => s.getAttribute("data-step")),
      })),
      deadLetters: [...document.querySelectorAll("#dead-letters tbody tr")].map((r) => ({
        id: r.getAttribute("data-dead-letter"),
        fields: fields(r),
      })),
    };
  });
}

async function handle(command) {
  switch (command.cmd) {
    case "open":
      return open(command.token);
    case "read":
      return read();
    case "screenshot":
      await page.screenshot({ path: command.path, fullPage: true });
      return { path: command.path };
    case "close":
      if (browser) await browser.close();
      browser = null;
      return {};
    default:
      throw new Error("unknown command " + command.cmd);
  }
}

// Commands run one at a time, in order.
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let command;
    try {
      command = JSON.parse(line);
      answer({ ok: true, value: await handle(command) });
    } catch (error) {
      answer({ ok: false, error: String((error && error.stack) || error) });
    }
    if (command && command.cmd === "close") process.exit(0);
  });
});
lines.on("close", () => {
  queue.then(async () => {
    if (browser) await browser.close();
    process.exit(0);
  });
});
