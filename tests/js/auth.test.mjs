// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Connecting with the real centrifuge client: anonymous, with a valid token,
// with an expired one (error 109, refreshed through getToken), and with tokens
// herald must refuse (disconnect 3500, final). A server with a token secret
// wants a token from everyone; anonymous there means a token whose sub is "".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import {
    makeClient,
    connect,
    subscribe,
    waitFor,
    record,
    sleep,
    disconnectAll,
} from './lib/client.mjs';
import { signToken, userToken, nowSeconds } from './lib/token.mjs';

const SECRET = 'auth-test-secret';
let server; // checks tokens
let openServer; // no token secret: every connection is anonymous

before(async () => {
    server = await startServer({ tokenSecret: SECRET });
    openServer = await startServer();
});

after(async () => {
    disconnectAll();
    await server?.stop();
    await openServer?.stop();
});

// Whom presence lists for this connection, seen from the connection itself.
async function presenceOf(client, connected, channel) {
    const { sub } = await subscribe(client, channel);
    const { clients } = await sub.presence();
    return clients[connected.client];
}

test(
    'an anonymous client connects to a server without a token secret',
    { timeout: 15000 },
    async () => {
        const client = makeClient(openServer);
        const ctx = await connect(client);

        assert.equal(ctx.transport, 'websocket');
        assert.equal(typeof ctx.client, 'string');
        assert.ok(ctx.client.length > 0, 'the server gives the connection an id');
        assert.equal(client.state, 'connected');

        const me = await presenceOf(client, ctx, 'rec:auth-anon');
        assert.ok(me, 'the connection is present in the channel it subscribed to');
        // The protocol leaves out empty fields; an absent user reads as "".
        assert.equal(me.user ?? '', '', 'anonymous connections have an empty user id');
    },
);

test('a token with an empty sub connects anonymously', { timeout: 15000 }, async () => {
    const client = makeClient(server, { token: userToken('', SECRET) });
    const ctx = await connect(client);
    const me = await presenceOf(client, ctx, 'rec:auth-anon-token');
    assert.ok(me, 'the connection is present');
    assert.equal(me.user ?? '', '', 'an absent user reads as ""');
    assert.equal(me.client, ctx.client);
});

test('no token where tokens are checked: disconnect 3501', { timeout: 15000 }, async () => {
    const client = makeClient(server);
    const disconnected = waitFor(client, 'disconnected');
    const connected = record(client, 'connected');
    client.connect();
    const ctx = await disconnected;
    assert.equal(ctx.code, 3501);
    assert.equal(ctx.reason, 'bad request');
    assert.equal(connected.length, 0);
});

test('a valid token names the user, visible in presence', { timeout: 15000 }, async () => {
    const info = { name: 'Alice', team: 'home' };
    const client = makeClient(server, { token: userToken('alice', SECRET, { info }) });
    const ctx = await connect(client);

    const me = await presenceOf(client, ctx, 'rec:auth-user');
    assert.ok(me, 'the connection is present');
    assert.equal(me.user, 'alice');
    assert.equal(me.client, ctx.client);
    assert.deepEqual(me.connInfo, info, 'the token info travels as conn_info');
});

test('two connections get different client ids', { timeout: 15000 }, async () => {
    const first = await connect(makeClient(openServer));
    const second = await connect(makeClient(openServer));
    assert.notEqual(first.client, second.client);
});

test(
    'an expired token gets error 109 and the client refreshes it',
    { timeout: 20000 },
    async () => {
        const expired = signToken({ sub: 'bob', exp: nowSeconds() - 60 }, SECRET);
        let tokensAsked = 0;
        const client = makeClient(server, {
            token: expired,
            getToken: async () => {
                tokensAsked += 1;
                return userToken('bob', SECRET);
            },
        });
        const errors = record(client, 'error');
        const disconnects = record(client, 'disconnected');

        const ctx = await connect(client);

        const connectErrors = errors.filter((e) => e.type === 'connect');
        assert.equal(connectErrors.length, 1, `one connect error, got ${JSON.stringify(errors)}`);
        assert.equal(connectErrors[0].error.code, 109);
        assert.equal(connectErrors[0].error.message, 'token expired');
        assert.equal(tokensAsked, 1, 'the client asked for a fresh token once');
        assert.equal(disconnects.length, 0, '109 is not a final disconnect');

        const me = await presenceOf(client, ctx, 'rec:auth-refresh');
        assert.equal(me.user, 'bob', 'the refreshed token is the one in use');
    },
);

// A token herald refuses ends the connection for good: close 3500.
async function expectInvalidToken(token) {
    const client = makeClient(server, { token });
    const connected = record(client, 'connected');
    const connecting = record(client, 'connecting');
    const disconnected = waitFor(client, 'disconnected');
    client.connect();

    const ctx = await disconnected;
    assert.equal(ctx.code, 3500);
    assert.equal(ctx.reason, 'invalid token');
    assert.equal(client.state, 'disconnected');

    // Final: no reconnect attempt follows (the client's backoff here is < 0.5 s).
    await sleep(800);
    assert.equal(connected.length, 0, 'never connected');
    const reconnects = connecting.filter((c) => c.code !== 0); // 0: connect() itself
    assert.equal(reconnects.length, 0, `no reconnect after 3500: ${JSON.stringify(reconnects)}`);
    assert.equal(client.state, 'disconnected');
}

test('a token signed with another secret: disconnect 3500', { timeout: 15000 }, async () => {
    await expectInvalidToken(userToken('mallory', 'not-the-secret'));
});

test('a token whose payload was altered: disconnect 3500', { timeout: 15000 }, async () => {
    const [header, , signature] = userToken('eve', SECRET).split('.');
    const payload = Buffer.from(
        JSON.stringify({ sub: 'admin', exp: nowSeconds() + 3600 }),
    ).toString('base64url');
    await expectInvalidToken(`${header}.${payload}.${signature}`);
});

test('a malformed token: disconnect 3500', { timeout: 15000 }, async () => {
    await expectInvalidToken('this-is-not-a-jwt');
});

test('a token with three parts of garbage: disconnect 3500', { timeout: 15000 }, async () => {
    await expectInvalidToken('e30.!!!.???');
});

test(
    'an HS512 token, even with the right secret: disconnect 3500',
    { timeout: 15000 },
    async () => {
        const token = signToken({ sub: 'carol', exp: nowSeconds() + 3600 }, SECRET, 'HS512');
        await expectInvalidToken(token);
    },
);
