// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Recovery after a lost connection, with the real centrifuge client: it
// reconnects on its own and resubscribes with recover:true; herald must
// replay exactly what was missed, or say recovered:false when it cannot.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import {
    makeClient,
    connect,
    subscribe,
    waitFor,
    record,
    until,
    sleep,
    Network,
    disconnectAll,
} from './lib/client.mjs';

// Time given to a wrong extra publication to show up before a test concludes
// that none comes.
const QUIET_MS = 400;

let server;

before(async () => {
    server = await startServer();
});

after(async () => {
    disconnectAll();
    await server?.stop();
});

// A connected client on a switchable network, subscribed to `channel`, that
// has received `count` publications made through the server API.
async function subscriberWith(channel, count) {
    const network = new Network();
    const client = makeClient(server, { websocket: network.WebSocket });
    await connect(client);
    const { sub, ctx } = await subscribe(client, channel);
    const received = record(sub, 'publication');
    const published = [];
    for (let i = 0; i < count; i++) {
        published.push(await server.publish(channel, { seq: published.length }));
    }
    await until(() => received.length === count, { what: `${count} live publications` });
    return { network, client, sub, ctx, received, published };
}

// Cuts the network and waits until the client has noticed the lost transport.
async function goAway({ network, client, sub }) {
    const reconnecting = waitFor(client, 'connecting');
    const resubscribing = waitFor(sub, 'subscribing');
    network.drop();
    const ctx = await reconnecting;
    assert.equal(ctx.code, 1, 'the client sees a closed transport');
    await resubscribing;
}

// Lets the client back and resolves with the `subscribed` context it gets.
async function comeBack({ network, sub }) {
    const subscribed = waitFor(sub, 'subscribed', { timeout: 8000 });
    network.restore();
    return subscribed;
}

function offsets(publications) {
    return publications.map((p) => p.offset);
}

function range(first, last) {
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

test(
    'missed publications are replayed once, in order, without a gap',
    { timeout: 30000 },
    async () => {
        const channel = 'rec:missed';
        const s = await subscriberWith(channel, 4);
        assert.deepEqual(offsets(s.received), range(1, 4));

        await goAway(s);
        for (let i = 0; i < 25; i++) {
            s.published.push(await server.publish(channel, { seq: s.published.length }));
        }
        const ctx = await comeBack(s);

        assert.equal(ctx.wasRecovering, true, 'the client asked to recover');
        assert.equal(ctx.recovered, true, 'herald recovered the stream');
        assert.equal(ctx.hasRecoveredPublications, true);
        assert.equal(ctx.streamPosition.epoch, s.published[0].epoch);

        await until(() => s.received.length >= 29, { what: 'the 25 missed publications' });
        await sleep(QUIET_MS);
        assert.deepEqual(offsets(s.received), range(1, 29), 'every offset once, in order');
        assert.deepEqual(
            s.received.map((p) => p.data.seq),
            range(0, 28),
        );

        // Live delivery goes on after the replay.
        const next = await server.publish(channel, { seq: 29 });
        await until(() => s.received.length === 30, { what: 'the next live publication' });
        assert.equal(s.received[29].offset, next.offset);
        assert.equal(next.offset, 30);
    },
);

test('recovery when nothing was missed', { timeout: 30000 }, async () => {
    const channel = 'rec:idle';
    const s = await subscriberWith(channel, 2);

    await goAway(s);
    const ctx = await comeBack(s);

    assert.equal(ctx.wasRecovering, true);
    assert.equal(ctx.recovered, true);
    assert.equal(ctx.hasRecoveredPublications, false);
    assert.deepEqual(ctx.streamPosition, { offset: 2, epoch: s.published[0].epoch });

    await sleep(QUIET_MS);
    assert.deepEqual(offsets(s.received), [1, 2], 'nothing is replayed twice');

    await server.publish(channel, { seq: 2 });
    await until(() => s.received.length === 3, { what: 'a live publication after recovery' });
    assert.equal(s.received[2].offset, 3);
});

test('a new epoch while away gives recovered:false and no replay', { timeout: 30000 }, async () => {
    const channel = 'rec:epoch';
    const s = await subscriberWith(channel, 3);
    const oldEpoch = s.published[0].epoch;

    await goAway(s);
    await server.resetStream(channel);
    const fresh = [];
    for (let i = 0; i < 2; i++) {
        fresh.push(await server.publish(channel, { seq: i, fresh: true }));
    }
    assert.notEqual(fresh[0].epoch, oldEpoch, 'reset_stream starts a new epoch');
    assert.equal(fresh[0].offset, 1, 'a new stream counts from 1 again');
    const ctx = await comeBack(s);

    assert.equal(ctx.wasRecovering, true);
    assert.equal(ctx.recovered, false, 'publications of an old epoch cannot be recovered');
    assert.equal(ctx.hasRecoveredPublications, false);
    assert.deepEqual(
        ctx.streamPosition,
        { offset: 2, epoch: fresh[0].epoch },
        'the reply carries the current top',
    );

    await sleep(QUIET_MS);
    assert.deepEqual(offsets(s.received), [1, 2, 3], 'nothing of the new epoch is replayed');

    // The subscription follows the new stream from its top.
    await server.publish(channel, { seq: 2, fresh: true });
    await until(() => s.received.length === 4, { what: 'a live publication of the new epoch' });
    assert.equal(s.received[3].offset, 3);
    assert.equal(s.received[3].data.fresh, true);
});

test('more missed than history keeps gives recovered:false', { timeout: 40000 }, async () => {
    // rec: keeps 100 publications; a partial replay must not count as recovered.
    const channel = 'rec:overflow';
    const s = await subscriberWith(channel, 1);

    await goAway(s);
    let last;
    for (let i = 0; i < 120; i++) {
        last = await server.publish(channel, { seq: i + 1 });
    }
    const ctx = await comeBack(s);

    assert.equal(ctx.wasRecovering, true);
    assert.equal(ctx.recovered, false);
    assert.deepEqual(ctx.streamPosition, { offset: last.offset, epoch: last.epoch });
    await sleep(QUIET_MS);
    assert.deepEqual(offsets(s.received), [1], 'no partial replay');
});

test('two subscriptions recover independently on one connection', { timeout: 30000 }, async () => {
    const network = new Network();
    const client = makeClient(server, { websocket: network.WebSocket });
    await connect(client);
    const a = await subscribe(client, 'rec:pair-a');
    const b = await subscribe(client, 'rec:pair-b');
    const gotA = record(a.sub, 'publication');
    const gotB = record(b.sub, 'publication');
    await server.publish('rec:pair-a', { n: 1 });
    await until(() => gotA.length === 1, { what: 'the first publication of pair-a' });

    const reconnecting = waitFor(client, 'connecting');
    network.drop();
    await reconnecting;
    await server.publish('rec:pair-a', { n: 2 });
    await server.publish('rec:pair-b', { n: 1 });
    await server.publish('rec:pair-b', { n: 2 });
    const backA = waitFor(a.sub, 'subscribed', { timeout: 8000 });
    const backB = waitFor(b.sub, 'subscribed', { timeout: 8000 });
    network.restore();
    const [ctxA, ctxB] = await Promise.all([backA, backB]);

    assert.equal(ctxA.recovered, true);
    assert.equal(ctxB.recovered, true);
    await until(() => gotA.length === 2 && gotB.length === 2, { what: 'both replays' });
    await sleep(QUIET_MS);
    assert.deepEqual(offsets(gotA), [1, 2]);
    assert.deepEqual(offsets(gotB), [1, 2]);
});
