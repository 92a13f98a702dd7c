// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// A client that stops reading is disconnected with 3008 "slow" once its
// outgoing queue passes --client-queue-max-bytes, instead of growing the
// server's memory; a client that keeps reading gets every publication. A
// centrifuge client dropped that way recovers from history when it comes
// back. A client that pauses for less than the limit gets everything, in
// order, once it reads again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { RawClient } from './lib/raw.mjs';
import {
    makeClient,
    connect,
    subscribe,
    waitFor,
    record,
    until,
    Network,
    disconnectAll,
} from './lib/client.mjs';

const QUEUE_MAX = 256 * 1024;
const CHUNK = 'x'.repeat(32 * 1024);
// Enough to fill the loopback socket buffers and then the queue many
// times over; the test stops publishing as soon as the server says "slow".
const MAX_PUBLICATIONS = 4000;
const CHANNEL = 'flood';

let server;
const raws = [];

before(async () => {
    server = await startServer({ clientQueueMaxBytes: QUEUE_MAX, logLevel: 'info' });
});

after(async () => {
    for (const raw of raws) {
        raw.close();
    }
    disconnectAll();
    await server?.stop();
});

async function subscriber(target = server) {
    const raw = await RawClient.open(target.wsUrl);
    raws.push(raw);
    await raw.connect({ name: 'slow-client-test' });
    const reply = await raw.call({ subscribe: { channel: CHANNEL } });
    assert.ok(reply.subscribe, `subscribe failed: ${JSON.stringify(reply)}`);
    return raw;
}

function publications(raw) {
    return raw.messages.filter((m) => m.push && m.push.pub).length;
}

test('a client that stops reading is closed with 3008; a reading one keeps up', async () => {
    const slow = await subscriber();
    const reader = await subscriber();
    slow.ws.pause();

    let published = 0;
    while (!server.stderr.includes('disconnecting as slow') && published < MAX_PUBLICATIONS) {
        await server.publish(CHANNEL, { n: published, chunk: CHUNK });
        published += 1;
    }
    assert.ok(
        server.stderr.includes('disconnecting as slow'),
        `no slow disconnect after ${published} publications of 32 KiB`,
    );

    // The close frame waits behind what was queued; reading again drains
    // the queue within the server's 1.5 s close handshake timeout.
    slow.ws.resume();
    const closed = await slow.waitClosed(10000);
    assert.equal(closed.code, 3008);
    assert.equal(closed.reason, 'slow');
    assert.ok(publications(slow) < published, 'the slow client cannot have got everything');

    await until(() => publications(reader) === published, {
        timeout: 10000,
        what: `all ${published} publications at the reading client`,
    });
    assert.ok(reader.open, 'the reading client must stay connected');
});

// Fan-outs go through io_uring batches when herald has them, and through
// one sendmsg per client with --batch-writes 0: both must queue and drain.
for (const batchWrites of [1, 0]) {
    test(`a client that pauses within the limit gets everything in order (batch ${batchWrites})`,
        async () => {
            // More than the loopback socket buffers hold, so the server has
            // to queue, wait for the socket and write its queue in batches.
            const count = 800;
            const roomy = await startServer({
                clientQueueMaxBytes: 256 * 1024 * 1024,
                batchWrites,
            });
            try {
                const paused = await subscriber(roomy);
                paused.ws.pause();
                for (let n = 0; n < count; n += 1) {
                    await roomy.publish(CHANNEL, { n, chunk: CHUNK });
                }
                paused.ws.resume();

                await until(() => publications(paused) === count, {
                    timeout: 20000,
                    what: `all ${count} publications at the client that paused`,
                });
                const order = paused.messages
                    .filter((m) => m.push && m.push.pub)
                    .map((m) => m.push.pub.data.n);
                assert.deepEqual(order, [...Array(count).keys()]);
                assert.ok(paused.open, 'the client that paused must stay connected');
            } finally {
                await roomy.stop();
            }
        });
}

// The whole path with the real centrifuge client: it stops reading, is let
// go with 3008, reconnects by itself and recovers from history what was
// published after that, each publication once and in order. The chunks are large
// so that the socket buffers and the queue limit fill within the history
// of the recoverable namespace (100 publications).
test('a centrifuge client dropped as slow reconnects and recovers what it missed', async () => {
    const channel = 'rec:slow';
    const bigChunk = 'y'.repeat(256 * 1024);
    const mostPublications = 90;

    const network = new Network();
    const client = makeClient(server, { websocket: network.WebSocket });
    await connect(client);
    const { sub } = await subscribe(client, channel);
    const received = record(sub, 'publication');
    const reconnecting = waitFor(client, 'connecting', { timeout: 20000 });
    const recovered = waitFor(sub, 'subscribed', {
        predicate: (ctx) => ctx.wasRecovering,
        timeout: 20000,
    });

    network.sockets[0].pause();
    const before = server.stderr.split('disconnecting as slow').length;
    const slowNow = () => server.stderr.split('disconnecting as slow').length > before;
    let published = 0;
    while (!slowNow() && published < mostPublications) {
        await server.publish(channel, { seq: published, chunk: bigChunk });
        published += 1;
    }
    assert.ok(slowNow(), `no slow disconnect after ${published} publications of 256 KiB`);

    // Published after the server let the client go: these reach it only
    // through recovery.
    const missed = 5;
    for (let i = 0; i < missed; i += 1) {
        await server.publish(channel, { seq: published, chunk: 'z' });
        published += 1;
    }
    network.sockets[0].resume();

    const away = await reconnecting;
    assert.equal(away.code, 3008);
    const back = await recovered;
    assert.equal(back.recovered, true);

    await until(() => received.length >= published, {
        timeout: 20000,
        what: `all ${published} publications after recovery`,
    });
    assert.deepEqual(
        received.map((ctx) => ctx.data.seq),
        [...Array(published).keys()],
    );
});
