// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Per-connection limits: one subscription per channel (105), the channel
// limit (106, server started with --channel-limit 2), the channel name length
// (107), and the 64 KiB inbound message limit (close 1009).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { RawClient } from './lib/raw.mjs';
import { makeClient, connect, subscribe, waitFor, disconnectAll } from './lib/client.mjs';

const MAX_MESSAGE = 64 * 1024;
let server;
const raws = [];

before(async () => {
    server = await startServer({ channelLimit: 2 });
});

after(async () => {
    disconnectAll();
    for (const raw of raws) {
        raw.close();
    }
    await server?.stop();
});

async function connected() {
    const raw = await RawClient.open(server.wsUrl);
    raws.push(raw);
    await raw.connect({ name: 'limits-test' });
    return raw;
}

function subscribeCmd(channel) {
    return { subscribe: { channel } };
}

function errorCode(reply) {
    return reply.error ? reply.error.code : 0;
}

// A publish command of exactly `size` bytes once encoded.
function publishOfSize(channel, id, size) {
    const skeleton = JSON.stringify({ publish: { channel, data: { blob: '' } }, id });
    const text = JSON.stringify({
        publish: { channel, data: { blob: 'x'.repeat(size - skeleton.length) } },
        id,
    });
    assert.equal(Buffer.byteLength(text), size);
    return text;
}

test(
    'subscribing twice to one channel: 105, and again after unsubscribe',
    { timeout: 10000 },
    async () => {
        const raw = await connected();
        assert.equal(errorCode(await raw.call(subscribeCmd('rec:twice'))), 0);

        const again = await raw.call(subscribeCmd('rec:twice'));
        assert.deepEqual(again.error, { code: 105, message: 'already subscribed' });
        assert.ok(raw.open, 'an error reply does not close the connection');

        assert.equal(errorCode(await raw.call({ unsubscribe: { channel: 'rec:twice' } })), 0);
        assert.equal(
            errorCode(await raw.call(subscribeCmd('rec:twice'))),
            0,
            'allowed after unsubscribe',
        );
    },
);

test('a third channel past --channel-limit 2: 106', { timeout: 10000 }, async () => {
    const raw = await connected();
    assert.equal(errorCode(await raw.call(subscribeCmd('rec:lim-a'))), 0);
    assert.equal(errorCode(await raw.call(subscribeCmd('lim-b'))), 0);

    const third = await raw.call(subscribeCmd('rec:lim-c'));
    assert.deepEqual(third.error, { code: 106, message: 'limit exceeded' });
    assert.ok(raw.open);

    await raw.call({ unsubscribe: { channel: 'rec:lim-a' } });
    assert.equal(
        errorCode(await raw.call(subscribeCmd('rec:lim-c'))),
        0,
        'room again after leaving one',
    );
});

test('channel names over 255 bytes: 107; 255 bytes are fine', { timeout: 10000 }, async () => {
    const raw = await connected();
    const longest = 'n'.repeat(255);
    assert.equal(errorCode(await raw.call(subscribeCmd(longest))), 0);

    const tooLong = await raw.call(subscribeCmd('n'.repeat(256)));
    assert.deepEqual(tooLong.error, { code: 107, message: 'bad request' });

    // 128 characters, 256 bytes in UTF-8: the limit counts bytes.
    const wide = await raw.call(subscribeCmd('é'.repeat(128)));
    assert.equal(errorCode(wide), 107);
    assert.ok(raw.open);
});

test(
    'a message over 64 KiB: close 1009, other clients unaffected',
    { timeout: 15000 },
    async () => {
        const bystander = await connected();
        await bystander.call(subscribeCmd('pub:big'));

        // Just under the limit is still a message like any other.
        const fits = await connected();
        fits.sendText(publishOfSize('pub:big', 2, MAX_MESSAGE - 16));
        const accepted = await fits.reply(2);
        assert.equal(accepted.error, undefined);
        assert.deepEqual(accepted.publish, {});

        const big = await connected();
        big.sendText(publishOfSize('pub:big', 2, MAX_MESSAGE + 6 * 1024));
        const { code } = await big.waitClosed();
        assert.equal(code, 1009);
        assert.ok(!big.messages.some((m) => m.id === 2), 'the oversized command is not executed');

        const after = await server.publish('pub:big', { after: true });
        const seen = await bystander.waitMessage((m) => m.push?.pub?.offset === after.offset, {
            what: 'the publication after the oversized message',
        });
        assert.deepEqual(seen.push.pub.data, { after: true });
        assert.ok(bystander.open && fits.open);
        const more = await bystander.call(subscribeCmd('rec:after-big'));
        assert.equal(errorCode(more), 0, 'the bystander goes on working');
    },
);

test('the centrifuge client reports 1009 as disconnected, code 3', { timeout: 15000 }, async () => {
    const client = makeClient(server);
    await connect(client);
    const { sub } = await subscribe(client, 'pub:huge');
    const disconnected = waitFor(client, 'disconnected');
    sub.publish({ blob: 'y'.repeat(MAX_MESSAGE + 1024) }).catch(() => {
        // The connection goes away under the call; the disconnect is the point.
    });
    const ctx = await disconnected;
    assert.equal(ctx.code, 3);
    assert.equal(ctx.reason, 'message size limit exceeded');
});
