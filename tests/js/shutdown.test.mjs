// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// SIGTERM: every client gets close 3001 "shutdown" (a reconnecting code), and
// the server process ends on its own.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { RawClient } from './lib/raw.mjs';
import { makeClient, connect, subscribe, waitFor, disconnectAll } from './lib/client.mjs';

after(() => {
    disconnectAll();
});

test('SIGTERM closes every client with 3001 "shutdown"', { timeout: 20000 }, async () => {
    const server = await startServer();
    try {
        const raws = [];
        for (let i = 0; i < 3; i++) {
            const raw = await RawClient.open(server.wsUrl);
            raws.push(raw);
            await raw.connect();
            await raw.call({ subscribe: { channel: `rec:bye-${i}` } });
        }
        const idle = await RawClient.open(server.wsUrl); // never sent connect
        const client = makeClient(server);
        await connect(client);
        await subscribe(client, 'rec:bye-0');
        const reconnecting = waitFor(client, 'connecting', { timeout: 8000 });

        const exit = await server.stop();

        for (const raw of raws) {
            assert.deepEqual(await raw.waitClosed(), { code: 3001, reason: 'shutdown' });
        }
        assert.equal((await idle.waitClosed()).code, 3001, 'also before connect');

        const ctx = await reconnecting;
        assert.equal(ctx.code, 3001);
        assert.equal(ctx.reason, 'shutdown');
        client.disconnect();

        assert.equal(exit.signal, null, `the server exits by itself, got ${JSON.stringify(exit)}`);
        assert.equal(exit.code, 0, `a clean exit; stderr: ${server.stderr}`);
    } finally {
        await server.stop();
    }
});
