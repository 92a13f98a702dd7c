// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Channels seen through the real centrifuge client: delivery order and
// offsets, client publish permissions per namespace, unknown namespaces,
// anonymous access, history and presence.

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
    disconnectAll,
} from './lib/client.mjs';
import { userToken } from './lib/token.mjs';

const SECRET = 'channels-test-secret';
let server;

before(async () => {
    server = await startServer({ tokenSecret: SECRET });
});

after(async () => {
    disconnectAll();
    await server?.stop();
});

// The server checks tokens, so an anonymous client carries one with sub "".
async function connectedClient(options = {}) {
    const client = makeClient(server, { token: userToken('', SECRET), ...options });
    const ctx = await connect(client);
    return { client, ctx };
}

// Subscribing must fail: resolves with the `unsubscribed` context.
async function refusedSubscribe(client, channel) {
    const sub = client.newSubscription(channel);
    const subscribed = record(sub, 'subscribed');
    const unsubscribed = waitFor(sub, 'unsubscribed');
    sub.subscribe();
    const ctx = await unsubscribed;
    assert.equal(subscribed.length, 0, `${channel} must not be subscribed`);
    assert.equal(sub.state, 'unsubscribed');
    return ctx;
}

test(
    'server API publications arrive in order with consecutive offsets',
    { timeout: 20000 },
    async () => {
        const channel = 'rec:order';
        const { client } = await connectedClient();
        const { sub, ctx } = await subscribe(client, channel);
        assert.equal(ctx.recoverable, true, 'rec: channels are recoverable');
        assert.equal(ctx.positioned, true);
        assert.equal(ctx.wasRecovering, false, 'a first subscribe does not recover');

        const received = record(sub, 'publication');
        const results = [];
        for (let i = 0; i < 30; i++) {
            results.push(await server.publish(channel, { seq: i, text: `event ${i}` }));
        }
        await until(() => received.length >= 30, { what: '30 publications' });

        assert.deepEqual(
            received.map((p) => p.data.seq),
            [...Array(30).keys()],
            'in publish order',
        );
        assert.deepEqual(
            received.map((p) => p.offset),
            results.map((r) => r.offset),
            'each publication carries the offset the API returned',
        );
        for (let i = 1; i < results.length; i++) {
            assert.equal(results[i].offset, results[i - 1].offset + 1, 'offsets grow by one');
            assert.equal(results[i].epoch, results[0].epoch, 'one epoch');
        }
        assert.equal(results[0].offset, 1, 'a new stream starts at offset 1');
        assert.equal(received[0].channel, channel);
        assert.equal(received[0].info, undefined, 'server API publications carry no client info');
    },
);

test(
    'subscribe reports the stream position of an existing stream',
    { timeout: 15000 },
    async () => {
        const channel = 'rec:position';
        let last;
        for (let i = 0; i < 3; i++) {
            last = await server.publish(channel, { n: i });
        }
        const { client } = await connectedClient();
        const { ctx } = await subscribe(client, channel);
        assert.deepEqual(ctx.streamPosition, { offset: last.offset, epoch: last.epoch });
        assert.equal(
            ctx.hasRecoveredPublications,
            false,
            'no publications replayed on a first subscribe',
        );
    },
);

test('client publish into rec: is refused with 103', { timeout: 15000 }, async () => {
    const { client } = await connectedClient();
    const { sub } = await subscribe(client, 'rec:nopublish');
    await assert.rejects(sub.publish({ text: 'hi' }), (err) => {
        assert.equal(err.code, 103);
        assert.equal(err.message, 'permission denied');
        return true;
    });
});

test(
    'client publish into the default namespace is refused with 103',
    { timeout: 15000 },
    async () => {
        const { client } = await connectedClient();
        const { sub } = await subscribe(client, 'lobby');
        await assert.rejects(sub.publish({ text: 'hi' }), (err) => err.code === 103);
    },
);

test('client publish into pub: reaches every subscriber', { timeout: 15000 }, async () => {
    const channel = 'pub:chat';
    const alice = await connectedClient({ token: userToken('alice', SECRET) });
    const bob = await connectedClient();
    const { sub: aliceSub } = await subscribe(alice.client, channel);
    const { sub: bobSub } = await subscribe(bob.client, channel);
    const bobGets = waitFor(bobSub, 'publication');
    const aliceGets = waitFor(aliceSub, 'publication');

    const result = await aliceSub.publish({ text: 'hello' });
    assert.deepEqual(result, {});

    for (const pub of [await bobGets, await aliceGets]) {
        assert.deepEqual(pub.data, { text: 'hello' });
        assert.equal(pub.offset, 1, 'pub: keeps history, so publications have offsets');
        assert.ok(pub.info, 'a client publication names its publisher');
        assert.equal(pub.info.client, alice.ctx.client);
        assert.equal(pub.info.user, 'alice');
    }
});

test('an unknown namespace is refused with 102', { timeout: 15000 }, async () => {
    const { client } = await connectedClient();
    const ctx = await refusedSubscribe(client, 'nosuchns:x');
    assert.equal(ctx.code, 102);
    assert.equal(ctx.reason, 'unknown channel');
});

test(
    'noanon: refuses anonymous clients with 103 and lets users in',
    { timeout: 15000 },
    async () => {
        const anon = await connectedClient();
        const ctx = await refusedSubscribe(anon.client, 'noanon:room');
        assert.equal(ctx.code, 103);
        assert.equal(ctx.reason, 'permission denied');

        const user = await connectedClient({ token: userToken('dave', SECRET) });
        const { ctx: subscribed } = await subscribe(user.client, 'noanon:room');
        assert.equal(subscribed.channel, 'noanon:room');
    },
);

test(
    'history returns the stream in both directions and since a position',
    { timeout: 15000 },
    async () => {
        const channel = 'rec:history';
        const results = [];
        for (let i = 1; i <= 5; i++) {
            results.push(await server.publish(channel, { n: i }));
        }
        const epoch = results[0].epoch;
        const { client } = await connectedClient();
        const { sub } = await subscribe(client, channel);

        const all = await sub.history({ limit: -1 });
        assert.deepEqual(
            all.publications.map((p) => p.offset),
            [1, 2, 3, 4, 5],
        );
        assert.deepEqual(
            all.publications.map((p) => p.data.n),
            [1, 2, 3, 4, 5],
        );
        assert.equal(all.offset, 5);
        assert.equal(all.epoch, epoch);

        const top = await sub.history({ limit: 0 });
        assert.deepEqual(top.publications, [], 'limit 0 returns only the stream top');
        assert.equal(top.offset, 5);
        assert.equal(top.epoch, epoch);

        const newest = await sub.history({ limit: 2, reverse: true });
        assert.deepEqual(
            newest.publications.map((p) => p.offset),
            [5, 4],
        );

        const since = await sub.history({ limit: 10, since: { offset: 3, epoch } });
        assert.deepEqual(
            since.publications.map((p) => p.offset),
            [4, 5],
        );
    },
);

test('presence and presence stats list the subscribers', { timeout: 15000 }, async () => {
    const channel = 'rec:presence';
    const alice1 = await connectedClient({ token: userToken('alice', SECRET) });
    const alice2 = await connectedClient({ token: userToken('alice', SECRET) });
    const bob = await connectedClient({ token: userToken('bob', SECRET) });
    const { sub } = await subscribe(alice1.client, channel);
    const { sub: alice2Sub } = await subscribe(alice2.client, channel);
    await subscribe(bob.client, channel);

    const { clients } = await sub.presence();
    assert.deepEqual(
        Object.keys(clients).sort(),
        [alice1.ctx.client, alice2.ctx.client, bob.ctx.client].sort(),
    );
    assert.equal(clients[bob.ctx.client].user, 'bob');
    assert.equal(clients[alice2.ctx.client].user, 'alice');
    assert.equal(clients[alice2.ctx.client].client, alice2.ctx.client);

    assert.deepEqual(await sub.presenceStats(), { numClients: 3, numUsers: 2 });

    // Leaving takes the client out of presence. The unsubscribe travels on
    // another connection than the query, so poll until it has landed.
    alice2Sub.unsubscribe();
    let stats;
    const deadline = Date.now() + 3000;
    do {
        stats = await sub.presenceStats();
    } while (stats.numClients !== 2 && Date.now() < deadline);
    assert.deepEqual(stats, { numClients: 2, numUsers: 2 });
});
