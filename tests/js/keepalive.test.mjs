// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Liveness: server pings `{}`, clients that do not answer are closed with
// 3012, connections that never send connect with 3502. The server runs with
// --ping-interval 2 --pong-timeout 1 --stale-timeout 1 (the ping interval must
// exceed the pong timeout).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { RawClient, isPing } from './lib/raw.mjs';
import { makeClient, connect, record, sleep, disconnectAll } from './lib/client.mjs';

const PING_S = 2;
let server;
const raws = [];

before(async () => {
    server = await startServer({ pingInterval: PING_S, pongTimeout: 1, staleTimeout: 1 });
});

after(async () => {
    disconnectAll();
    for (const raw of raws) {
        raw.close();
    }
    await server?.stop();
});

async function open(options) {
    const raw = await RawClient.open(server.wsUrl, options);
    raws.push(raw);
    return raw;
}

function pings(raw) {
    return raw.messages.filter(isPing).length;
}

test('the server pings and a client that answers stays connected', { timeout: 15000 }, async () => {
    const raw = await open({ autoPong: true });
    const result = await raw.connect();
    assert.equal(result.ping, PING_S);
    assert.equal(result.pong, true);

    await raw.waitMessage(isPing, { timeout: PING_S * 1000 + 1500, what: 'a first ping' });
    // Three more intervals: more pings, answered, and still open.
    await sleep(PING_S * 3000);
    assert.ok(pings(raw) >= 3, `pings keep coming (got ${pings(raw)})`);
    assert.ok(raw.open, `still open; closed with ${JSON.stringify(raw.closeInfo)}`);
});

test('a client that does not answer a ping is closed with 3012', { timeout: 15000 }, async () => {
    const raw = await open({ autoPong: false });
    await raw.connect();
    await raw.waitMessage(isPing, { timeout: PING_S * 1000 + 1500, what: 'a ping' });
    const pingedAt = Date.now();

    const { code, reason } = await raw.waitClosed(4000);
    assert.equal(code, 3012);
    assert.equal(reason, 'no pong');
    // One pong timeout (1 s) plus the server's check granularity.
    assert.ok(Date.now() - pingedAt >= 900, 'not before the pong timeout');
});

test('a connection that never sends connect is closed with 3502', { timeout: 10000 }, async () => {
    const raw = await open();
    const openedAt = Date.now();
    const { code, reason } = await raw.waitClosed(4000);
    assert.equal(code, 3502);
    assert.equal(reason, 'stale');
    assert.ok(Date.now() - openedAt >= 900, 'not before the stale timeout');
    assert.equal(raw.messages.length, 0);
});

test('a connected client is not stale', { timeout: 10000 }, async () => {
    const raw = await open();
    await raw.connect();
    await sleep(2500);
    assert.ok(raw.open, `still open; closed with ${JSON.stringify(raw.closeInfo)}`);
});

test('the centrifuge client answers pings and stays connected', { timeout: 15000 }, async () => {
    const client = makeClient(server);
    await connect(client);
    const troubles = ['connecting', 'disconnected'].map((e) => record(client, e));
    await sleep(PING_S * 3000 + 500);
    assert.deepEqual(troubles, [[], []], 'no reconnect, no disconnect');
    assert.equal(client.state, 'connected');
});
