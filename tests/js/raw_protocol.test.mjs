// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The wire protocol with a bare `ws` client: batching, reply ids, the connect
// result, and the bad requests that end a connection with 3501.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { RawClient } from './lib/raw.mjs';

let server;
const raws = [];

before(async () => {
    server = await startServer();
});

after(async () => {
    for (const raw of raws) {
        raw.close();
    }
    await server?.stop();
});

async function open() {
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    return raw;
}

async function connected() {
    const raw = await open();
    await raw.connect({ name: 'raw-test' });
    return raw;
}

// The connection must end with 3501 "bad request".
async function expectBadRequest(raw) {
    const { code, reason } = await raw.waitClosed();
    assert.equal(code, 3501);
    assert.equal(reason, 'bad request');
}

test(
    'the connect result carries the client id and the ping settings',
    { timeout: 10000 },
    async () => {
        const raw = await open();
        const id = raw.withId({});
        raw.send({ connect: { name: 'raw-test', version: '1.0' }, id });
        const reply = await raw.reply(id);

        assert.equal(reply.error, undefined);
        assert.equal(typeof reply.connect.client, 'string');
        assert.ok(reply.connect.client.length > 0);
        assert.equal(reply.connect.ping, 25, 'the default ping interval, in seconds');
        assert.equal(reply.connect.pong, true, 'the client must answer pings');
        assert.equal(reply.push, undefined);
    },
);

test('commands batched in one frame get every reply with its id', { timeout: 10000 }, async () => {
    const channel = 'rec:batch';
    const published = await server.publish(channel, { n: 1 });
    const raw = await open();
    const commands = [
        { connect: { name: 'raw-test' }, id: 1 },
        { subscribe: { channel, flag: 1 }, id: 2 },
        { presence_stats: { channel }, id: 3 },
        { history: { channel, limit: -1 }, id: 4 },
        { subscribe: { channel: 'lobby' }, id: 5 },
        { unsubscribe: { channel: 'lobby' }, id: 6 },
    ];
    raw.send(...commands);

    const replies = await Promise.all(commands.map((c) => raw.reply(c.id)));
    for (const reply of replies) {
        assert.equal(reply.error, undefined, `no error in ${JSON.stringify(reply)}`);
    }
    const [conn, sub, stats, history, lobby, unsub] = replies;
    assert.ok(conn.connect.client);
    assert.equal(sub.subscribe.recoverable, true);
    assert.equal(sub.subscribe.positioned, true);
    assert.equal(sub.subscribe.epoch, published.epoch);
    assert.equal(sub.subscribe.offset, published.offset);
    assert.equal(sub.subscribe.id, undefined, 'no channel compaction: the flag is ignored');
    assert.equal(stats.presence_stats.num_clients, 1);
    assert.equal(history.history.publications.length, 1);
    assert.deepEqual(history.history.publications[0].data, { n: 1 });
    assert.equal(history.history.publications[0].offset, 1);
    assert.equal(history.history.publications[0].info, undefined, 'published by the API');
    assert.equal(history.history.epoch, published.epoch);
    assert.equal(history.history.offset, 1);
    assert.deepEqual(lobby.subscribe, {}, 'a channel without history: an empty result');
    assert.deepEqual(unsub.unsubscribe, {});
    assert.ok(raw.open);
});

test('a publication push names its channel and has no id', { timeout: 10000 }, async () => {
    const raw = await connected();
    await raw.call({ subscribe: { channel: 'rec:push' } });
    const result = await server.publish('rec:push', { score: [2, 1] });
    const message = await raw.waitMessage((m) => m.push !== undefined, { what: 'a push' });
    assert.deepEqual(Object.keys(message), ['push'], 'a push has no id');
    const { push } = message;
    assert.deepEqual(Object.keys(push).sort(), ['channel', 'pub']);
    assert.equal(push.channel, 'rec:push');
    assert.deepEqual(push.pub.data, { score: [2, 1] });
    assert.equal(push.pub.offset, result.offset);
});

test('a garbage frame after connect: close 3501', { timeout: 10000 }, async () => {
    const raw = await connected();
    raw.sendText('this is not JSON {');
    await expectBadRequest(raw);
});

test('a garbage first frame: close 3501', { timeout: 10000 }, async () => {
    const raw = await open();
    raw.sendText('\u0000\u0001garbage');
    await expectBadRequest(raw);
});

test('a command before connect: close 3501', { timeout: 10000 }, async () => {
    const raw = await open();
    raw.send({ subscribe: { channel: 'rec:early' }, id: 1 });
    await expectBadRequest(raw);
    assert.equal(raw.messages.length, 0, 'no reply to the early command');
});

test('a second connect: close 3501', { timeout: 10000 }, async () => {
    const raw = await connected();
    raw.send({ connect: { name: 'again' }, id: 2 });
    await expectBadRequest(raw);
});

test('a command with id 0 other than a pong: close 3501', { timeout: 10000 }, async () => {
    const raw = await connected();
    raw.send({ subscribe: { channel: 'rec:zero' }, id: 0 });
    await expectBadRequest(raw);
});

test('a binary frame closes the connection', { timeout: 10000 }, async () => {
    const raw = await connected();
    raw.ws.send(Buffer.from('{"subscribe":{"channel":"rec:bin"},"id":2}'), { binary: true });
    const { code } = await raw.waitClosed();
    assert.notEqual(code, 1005, 'the close frame carries a code');
    assert.notEqual(code, 1006, 'the server closes with a close frame, not a dropped socket');
    assert.ok(!raw.messages.some((m) => m.id === 2), 'the binary command is not executed');
});

test('a bad connection does not disturb the others', { timeout: 10000 }, async () => {
    const good = await connected();
    await good.call({ subscribe: { channel: 'rec:bystander' } });
    const bad = await connected();
    bad.sendText('}}}');
    await expectBadRequest(bad);

    const result = await server.publish('rec:bystander', { ok: true });
    const push = await good.waitMessage((m) => m.push?.pub?.offset === result.offset, {
        what: 'the publication after the bad client left',
    });
    assert.deepEqual(push.push.pub.data, { ok: true });
    assert.ok(good.open);
});
