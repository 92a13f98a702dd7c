// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The HTTP server API over real HTTP: results, authentication by key, and the
// status codes of bad requests.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer, API_KEY } from './lib/server.mjs';
import { RawClient } from './lib/raw.mjs';
import { userToken } from './lib/token.mjs';

const SECRET = 'server-api-test-secret';

let server;
let userServer; // with a token secret, for the calls that name a user
const raws = [];

before(async () => {
    server = await startServer();
    userServer = await startServer({ tokenSecret: SECRET });
});

after(async () => {
    for (const raw of raws) {
        raw.close();
    }
    await server?.stop();
    await userServer?.stop();
});

// A raw client of `user` on the server with tokens, connected.
async function userClient(user) {
    const raw = await RawClient.open(userServer.wsUrl);
    raws.push(raw);
    const connected = await raw.connect({ token: userToken(user, SECRET) });
    return { raw, client: connected.client };
}

function isOpen(raw) {
    return raw.closeInfo === null;
}

test('publish returns the offset and epoch', { timeout: 10000 }, async () => {
    const first = await server.api('publish', { channel: 'rec:api', data: { n: 1 } });
    assert.equal(first.status, 200);
    assert.equal(first.body.error, undefined);
    assert.equal(first.body.result.offset, 1);
    assert.equal(typeof first.body.result.epoch, 'string');
    assert.ok(first.body.result.epoch.length > 0);

    const second = await server.api('publish', { channel: 'rec:api', data: { n: 2 } });
    assert.equal(second.body.result.offset, 2);
    assert.equal(second.body.result.epoch, first.body.result.epoch);
});

test('publish reaches WebSocket subscribers', { timeout: 10000 }, async () => {
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    await raw.connect();
    await raw.call({ subscribe: { channel: 'rec:api-live' } });
    const { body } = await server.api('publish', { channel: 'rec:api-live', data: { live: 1 } });
    const push = await raw.waitMessage((m) => m.push?.channel === 'rec:api-live', {
        what: 'the push',
    });
    assert.deepEqual(push.push.pub.data, { live: 1 });
    assert.equal(push.push.pub.offset, body.result.offset);
});

test('history and presence_stats answer over HTTP', { timeout: 10000 }, async () => {
    await server.publish('rec:api-hist', { n: 1 });
    const last = await server.publish('rec:api-hist', { n: 2 });

    const history = await server.api('history', { channel: 'rec:api-hist', limit: -1 });
    assert.equal(history.status, 200);
    assert.deepEqual(
        history.body.result.publications.map((p) => p.data),
        [{ n: 1 }, { n: 2 }],
    );
    assert.equal(history.body.result.offset, last.offset);
    assert.equal(history.body.result.epoch, last.epoch);

    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    await raw.connect();
    await raw.call({ subscribe: { channel: 'rec:api-hist' } });
    const stats = await server.api('presence_stats', { channel: 'rec:api-hist' });
    assert.equal(stats.status, 200);
    assert.equal(stats.body.result.num_clients, 1);
});

test('broadcast publishes into every channel and answers for each', { timeout: 10000 }, async () => {
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    await raw.connect();
    await raw.call({ subscribe: { channel: 'rec:api-bc2' } });

    const { status, body } = await server.api('broadcast', {
        channels: ['rec:api-bc1', 'rec:api-bc2', 'nosuchns:x'],
        data: { all: true },
    });
    assert.equal(status, 200);
    const [first, second, third] = body.result.responses;
    assert.equal(first.result.offset, 1);
    assert.equal(second.result.offset, 1);
    assert.equal(third.error.code, 102, 'one bad channel fails alone');

    const push = await raw.waitMessage((m) => m.push?.channel === 'rec:api-bc2', {
        what: 'the broadcast push',
    });
    assert.deepEqual(push.push.pub.data, { all: true });
});

test('presence, channels and info describe who is here', { timeout: 10000 }, async () => {
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    const connected = await raw.connect();
    await raw.call({ subscribe: { channel: 'rec:api-who' } });

    const presence = await server.api('presence', { channel: 'rec:api-who' });
    assert.deepEqual(Object.keys(presence.body.result.presence), [connected.client]);

    const channels = await server.api('channels', { pattern: 'rec:api-wh*' });
    assert.deepEqual(channels.body.result.channels, { 'rec:api-who': { num_clients: 1 } });

    const info = await server.api('info', {});
    const [node] = info.body.result.nodes;
    assert.equal(info.body.result.nodes.length, 1);
    assert.ok(node.uid.length > 0);
    assert.ok(node.num_clients >= 1);
    assert.ok(node.num_channels >= 1);
    assert.equal(typeof node.version, 'string');
});

test(
    'disconnect closes every connection of the user with the code given',
    { timeout: 10000 },
    async () => {
        const first = await userClient('alice');
        const second = await userClient('alice');
        const bob = await userClient('bob');

        const { status, body } = await userServer.api('disconnect', {
            user: 'alice',
            disconnect: { code: 4004, reason: 'kicked' },
        });
        assert.equal(status, 200);
        assert.deepEqual(body, { result: {} });
        for (const { raw } of [first, second]) {
            assert.deepEqual(await raw.waitClosed(), { code: 4004, reason: 'kicked' });
        }
        await bob.raw.call({ subscribe: { channel: 'rec:api-still-here' } });
        assert.ok(isOpen(bob.raw), 'another user stays connected');
    },
);

test(
    'disconnect of one client closes it with 3503 "force disconnect"',
    { timeout: 10000 },
    async () => {
        const target = await userClient('carol');
        const other = await userClient('carol');

        const { body } = await userServer.api('disconnect', {
            user: 'carol',
            client: target.client,
        });
        assert.deepEqual(body, { result: {} });
        assert.deepEqual(await target.raw.waitClosed(), { code: 3503, reason: 'force disconnect' });
        await other.raw.call({ subscribe: { channel: 'rec:api-other' } });
        assert.ok(isOpen(other.raw), 'the user\'s other connection stays');
    },
);

test(
    'unsubscribe sends unsubscribe push 2000 and leaves the channel',
    { timeout: 10000 },
    async () => {
        const dave = await userClient('dave');
        const erin = await userClient('erin');
        const channel = 'rec:api-unsub';
        await dave.raw.call({ subscribe: { channel } });
        await erin.raw.call({ subscribe: { channel } });

        const { status, body } = await userServer.api('unsubscribe', { channel, user: 'dave' });
        assert.equal(status, 200);
        assert.deepEqual(body, { result: {} });
        const push = await dave.raw.waitMessage((m) => m.push?.unsubscribe !== undefined, {
            what: 'the unsubscribe push',
        });
        assert.deepEqual(push.push, {
            channel,
            unsubscribe: { code: 2000, reason: 'server unsubscribe' },
        });
        const stats = await userServer.api('presence_stats', { channel });
        assert.equal(stats.body.result.num_clients, 1, 'only erin is left in the channel');
        assert.ok(isOpen(dave.raw), 'an unsubscribe does not disconnect');
    },
);

test(
    'disconnect and unsubscribe refuse a missing user or an unsupported field: error 107',
    { timeout: 10000 },
    async () => {
        const frank = await userClient('frank');
        for (const [method, request] of [
            ['disconnect', {}],
            ['disconnect', { user: '' }],
            ['disconnect', { user: 'frank', disconnect: { code: 1000 } }],
            ['unsubscribe', { channel: 'rec:api-x' }],
            ['unsubscribe', { user: 'frank' }],
            ['disconnect', { user: 'frank', session: 's1' }],
            ['disconnect', { user: 'frank', whitelist: ['c1'] }],
            ['unsubscribe', { channel: 'rec:api-x', user: 'frank', session: 's1' }],
        ]) {
            const { status, body } = await userServer.api(method, request);
            assert.equal(status, 200, `${method} ${JSON.stringify(request)}`);
            assert.equal(body.error?.code, 107, `${method} ${JSON.stringify(request)}`);
            assert.equal(typeof body.error.message, 'string');
        }
        await frank.raw.call({ subscribe: { channel: 'rec:api-x' } });
        assert.ok(isOpen(frank.raw), 'a refused call closes nothing');
    },
);

test('publish into an unknown namespace is error 102', { timeout: 10000 }, async () => {
    const { body } = await server.api('publish', { channel: 'nosuchns:x', data: {} });
    assert.equal(body.result, undefined);
    assert.equal(body.error.code, 102);
});

test('no key: 401', { timeout: 10000 }, async () => {
    const { status } = await server.api('publish', { channel: 'rec:api', data: {} }, { key: null });
    assert.equal(status, 401);
});

test('a wrong key: 401', { timeout: 10000 }, async () => {
    const { status } = await server.api(
        'publish',
        { channel: 'rec:api', data: {} },
        { key: 'wrong' },
    );
    assert.equal(status, 401);
});

test('the key in Authorization: apikey is accepted', { timeout: 10000 }, async () => {
    const response = await server.fetch('/api/publish', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `apikey ${API_KEY}` },
        body: JSON.stringify({ channel: 'rec:api-auth', data: { ok: true } }),
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.result.offset, 1);
});

test('a refused request publishes nothing', { timeout: 10000 }, async () => {
    await server.api('publish', { channel: 'rec:api-refused', data: { n: 0 } }, { key: 'wrong' });
    const { body } = await server.api('publish', { channel: 'rec:api-refused', data: { n: 1 } });
    assert.equal(body.result.offset, 1, 'the refused publish took no offset');
});

test('a malformed body: 400', { timeout: 10000 }, async () => {
    const { status } = await server.api('publish', undefined, {
        raw: '{"channel": "rec:api", data',
    });
    assert.equal(status, 400);
});

test('an unknown method: 404', { timeout: 10000 }, async () => {
    const { status } = await server.api('no_such_method', { channel: 'rec:api' });
    assert.equal(status, 404);
});

test('GET instead of POST: 405', { timeout: 10000 }, async () => {
    const response = await server.fetch('/api/publish', { headers: { 'X-API-Key': API_KEY } });
    await response.text();
    assert.equal(response.status, 405);
});

test('the health route answers', { timeout: 10000 }, async () => {
    const response = await server.fetch('/test/health');
    await response.text();
    assert.equal(response.status, 200);
});
