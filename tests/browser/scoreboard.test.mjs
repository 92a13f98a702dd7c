// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The scoreboard example in a real browser: herald-scoreboard on loopback,
// its page in headless Debian chromium (driven by playwright-core), a score
// changed through the server API, then the server killed and restarted
// under the page's feet.
//
// Needs: HERALD_SCOREBOARD (the binary), `npm ci` in tests/browser and in
// examples/scoreboard, and /usr/bin/chromium (or HERALD_CHROMIUM).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const API_KEY = 'browser-test-key';
const CHROMIUM = process.env.HERALD_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Every wait is bounded; these are generous for a loaded 2-core machine.
const START_TIMEOUT_MS = 15_000;
const UI_TIMEOUT_MS = 15_000;
const RECONNECT_TIMEOUT_MS = 40_000;
const STOP_TIMEOUT_MS = 10_000;

// --- prerequisites, failing loudly rather than skipping -----------------

function requirePrerequisites() {
  const binary = process.env.HERALD_SCOREBOARD;
  if (!binary || !existsSync(binary)) {
    throw new Error(
      `HERALD_SCOREBOARD must name the herald-scoreboard binary (got "${binary}")`);
  }
  const bundle = path.join(REPO, 'examples/scoreboard/node_modules/centrifuge/dist/centrifuge.js');
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run \`npm ci\` in examples/scoreboard`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no chromium at ${CHROMIUM} (apt-get install chromium, or set HERALD_CHROMIUM)`);
  }
  return binary;
}

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch (err) {
    throw new Error(
      `playwright-core is not installed: run \`npm ci\` in ${HERE} (${err.message})`);
  }
}

// --- the server process -------------------------------------------------

const children = new Set();

function killChildren() {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killChildren();
    process.exit(1);
  });
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Scoreboard {
  constructor(binary, port) {
    this.binary = binary;
    this.port = port;
    this.origin = `http://127.0.0.1:${port}`;
    this.output = '';
    this.child = null;
  }

  // Starts the server and waits until it answers /matches.json.
  async start() {
    const args = ['--listen', `127.0.0.1:${this.port}`, '--api-key', API_KEY, '--no-simulator'];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(child);
        resolve({ code, signal });
      });
    });
    child.stdout.on('data', (chunk) => { this.output += chunk; });
    child.stderr.on('data', (chunk) => { this.output += chunk; });

    const deadline = Date.now() + START_TIMEOUT_MS;
    let gone = null;
    this.exited.then((status) => { gone = status; });
    while (Date.now() < deadline) {
      if (gone) {
        throw new Error(
          `herald-scoreboard exited early (${JSON.stringify(gone)}):\n${this.output}`);
      }
      try {
        const response = await fetch(`${this.origin}/matches.json`);
        if (response.ok) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(
      `herald-scoreboard did not answer within ${START_TIMEOUT_MS} ms:\n${this.output}`);
  }

  // SIGTERM, then SIGKILL if it does not stop in time.
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  async matches() {
    const response = await fetch(`${this.origin}/matches.json`);
    assert.equal(response.status, 200);
    return (await response.json()).matches;
  }

  async publish(channel, data) {
    const response = await fetch(`${this.origin}/api/publish`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': API_KEY },
      body: JSON.stringify({ channel, data }),
    });
    const body = await response.text();
    assert.equal(response.status, 200, `POST /api/publish answered ${response.status}: ${body}`);
    const reply = JSON.parse(body);
    assert.equal(reply.error, undefined, `publish failed: ${body}`);
    return reply.result;
  }
}

// --- the page -----------------------------------------------------------

function card(id) {
  return `.card[data-match="${id}"]`;
}

async function cardText(page, id, part) {
  return (await page.textContent(`${card(id)} ${part}`)).trim();
}

// Resolves once every card follows its channel and the page is connected.
async function waitUntilLive(page, count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('.card[data-match]').length === n &&
      document.querySelectorAll('.card.stale').length === 0 &&
      document.getElementById('connection').dataset.state === 'connected',
    count, { timeout: UI_TIMEOUT_MS });
}

// --- the test -----------------------------------------------------------

let browser = null;
let server = null;

before(async () => {
  const binary = requirePrerequisites();
  const { chromium } = await loadPlaywright();
  server = new Scoreboard(binary, await freePort());
  await server.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: START_TIMEOUT_MS,
  });
}, { timeout: 3 * START_TIMEOUT_MS });

after(async () => {
  if (browser) {
    await browser.close();
  }
  if (server) {
    await server.stop();
  }
  killChildren();
}, { timeout: 2 * STOP_TIMEOUT_MS });

test('the scoreboard page follows publications and survives a server restart',
  { timeout: 150_000 }, async () => {
    const page = await browser.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.setDefaultTimeout(UI_TIMEOUT_MS);

    // The cards come from /matches.json and go live over the WebSocket.
    const matches = await server.matches();
    assert.ok(matches.length >= 2, 'the example serves several matches');
    await page.goto(`${server.origin}/`, { timeout: UI_TIMEOUT_MS });
    await waitUntilLive(page, matches.length);

    const target = matches[0];
    const shownHome = await cardText(page, target.id, '.score-home');
    assert.equal(shownHome, String(target.state.score.home));
    assert.equal(await cardText(page, target.id, '.offset-value'), String(target.offset));
    await page.waitForFunction(
      (sel) => document.querySelector(sel).textContent.trim() === '1 viewer',
      `${card(target.id)} .viewers`);

    // A state with one more home goal, published through the server API.
    const state = structuredClone(target.state);
    state.score.home += 1;
    const event = { type: 'goal', minute: state.minute, side: 'home',
      text: 'Goal! Scored through the server API' };
    const result = await server.publish(target.channel, { state, event });
    assert.equal(typeof result.offset, 'number', 'a channel with history reports the offset');
    assert.ok(result.offset > target.offset);

    await page.waitForFunction(
      ({ sel, home, offset }) =>
        document.querySelector(`${sel} .score-home`).textContent.trim() === home &&
        document.querySelector(sel).dataset.offset === offset,
      { sel: card(target.id), home: String(state.score.home), offset: String(result.offset) });
    assert.equal(await cardText(page, target.id, '.offset-value'), String(result.offset));
    assert.equal(await cardText(page, target.id, '.last-event'), event.text);

    // The host adopted the published state instead of keeping its own.
    const adopted = (await server.matches()).find((m) => m.id === target.id);
    assert.equal(adopted.state.score.home, state.score.home);
    assert.equal(adopted.offset, result.offset);

    // Server gone: the page says so and marks its data stale.
    await server.stop();
    await page.waitForSelector('#banner', { state: 'visible' });
    assert.match(await page.textContent('#banner'), /Reconnecting…/);
    await page.waitForSelector(`${card(target.id)}.stale`);

    // Back on the same port, as a new process with a new stream epoch: the
    // subscriptions cannot recover, so the page reloads the state.
    await server.start();
    const fresh = await server.matches();
    await page.waitForSelector('#banner', { state: 'hidden', timeout: RECONNECT_TIMEOUT_MS });
    await waitUntilLive(page, fresh.length);
    const reloaded = fresh.find((m) => m.id === target.id);
    await page.waitForFunction(
      ({ sel, home, offset }) =>
        document.querySelector(`${sel} .score-home`).textContent.trim() === home &&
        document.querySelector(sel).dataset.offset === offset,
      { sel: card(target.id), home: String(reloaded.state.score.home),
        offset: String(reloaded.offset) });
    assert.equal(await cardText(page, target.id, '.team.home .team-name'),
      reloaded.state.home.name);

    assert.deepEqual(pageErrors, []);
    await page.close();
  });
