// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Several herald nodes sharing channels through one Redis (herald::redis),
// each a separate herald-test-server process, with the real centrifuge
// client: what is published on one node reaches clients of the others in
// order, and a client whose node is killed recovers on another node.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './lib/server.mjs';
import { startRedis } from './lib/redis.mjs';
import {
    makeClient,
    connect,
    subscribe,
    record,
    until,
    waitFor,
    sleep,
    disconnectAll,
} from './lib/client.mjs';
import { WebSocket } from './lib/deps.mjs';
import { userToken } from './lib/token.mjs';

let redis;
const nodes = [];

before(async () => {
    redis = await startRedis();
    for (let i = 0; i < 3; i++) {
        nodes.push(await startServer({ redis: redis.url }));
    }
});

after(async () => {
    disconnectAll();
    for (const node of nodes) {
        await node.stop();
    }
    await redis?.stop();
});

function offsets(publications) {
    return publications.map((p) => p.offset);
}

function range(first, last) {
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

// What a load balancer does for the test: every new socket of the client
// goes to the node the test points it at.
class Balancer {
    constructor(node) {
        this.node = node;
        const balancer = this;
        this.WebSocket = class extends WebSocket {
            constructor(url, protocols) {
                super(balancer.node.wsUrl, protocols);
            }
        };
    }
}

test('a publication on one node reaches the clients of every node, in order', async () => {
    const channel = 'rec:cluster';
    const received = [];
    for (const node of nodes) {
        const client = makeClient(node);
        await connect(client);
        const { sub } = await subscribe(client, channel);
        received.push(record(sub, 'publication'));
    }

    const published = [];
    for (let i = 0; i < 60; i++) {
        published.push(await nodes[i % 3].publish(channel, { seq: i }));
    }
    assert.deepEqual(offsets(published), range(1, 60));
    assert.equal(new Set(published.map((p) => p.epoch)).size, 1);

    for (const seen of received) {
        await until(() => seen.length === 60, { what: '60 publications on every node' });
        assert.deepEqual(offsets(seen), range(1, 60));
        assert.deepEqual(
            seen.map((p) => p.data.seq),
            range(0, 59),
        );
    }

    const { status, body } = await nodes[1].api('presence_stats', { channel });
    assert.equal(status, 200);
    assert.equal(body.result.num_clients, 3, 'presence counts the clients of every node');

    const info = await nodes[2].api('info', {});
    assert.equal(info.status, 200);
    assert.equal(info.body.result.nodes.length, 3, '/api/info lists every live node');
    assert.equal(new Set(info.body.result.nodes.map((node) => node.uid)).size, 3);
    // The node asked counts its own clients now; the others as they last
    // reported, every few seconds.
    assert.equal(info.body.result.nodes[0].num_clients, 1);
});

test(
    'a client of a node killed with SIGKILL recovers on another node with no loss',
    { timeout: 30000 },
    async () => {
        const channel = 'rec:failover';
        const victim = await startServer({ redis: redis.url });
        const balancer = new Balancer(victim);
        const client = makeClient(victim, { websocket: balancer.WebSocket });
        await connect(client);
        const { sub } = await subscribe(client, channel);
        const received = record(sub, 'publication');

        for (let i = 0; i < 10; i++) {
            await nodes[0].publish(channel, { seq: i });
        }
        await until(() => received.length === 10, { what: '10 live publications' });

        // The node dies without a word; the balancer sends the client to
        // another node while publications go on.
        const resubscribed = waitFor(sub, 'subscribed', { timeout: 10000 });
        victim.child.kill('SIGKILL');
        balancer.node = nodes[1];
        for (let i = 10; i < 20; i++) {
            await nodes[0].publish(channel, { seq: i });
        }
        const ctx = await resubscribed;
        assert.equal(ctx.wasRecovering, true);
        assert.equal(ctx.recovered, true, 'the other node recovered the stream from Redis');

        for (let i = 20; i < 25; i++) {
            await nodes[2].publish(channel, { seq: i });
        }
        await until(() => received.length >= 25, { what: '25 publications' });
        assert.deepEqual(offsets(received), range(1, 25), 'nothing lost, nothing twice');
    },
);

test(
    'Redis restarted mid-stream: retried publishes land once, subscribers miss nothing',
    { timeout: 30000 },
    async () => {
        const channel = 'rec:restart';
        const durable = await startRedis({ durable: true });
        const one = await startServer({ redis: durable.url });
        const two = await startServer({ redis: durable.url });
        const client = makeClient(two);
        await connect(client);
        const { sub } = await subscribe(client, channel);
        const received = record(sub, 'publication');

        // Each publication is retried with its idempotency key until it is
        // accepted, as a careful producer does.
        const total = 40;
        let failures = 0;
        const publishing = (async () => {
            for (let seq = 0; seq < total; seq++) {
                for (;;) {
                    const { body } = await one.api('publish', {
                        channel,
                        data: { seq },
                        idempotency_key: `seq-${seq}`,
                    });
                    if (body.result) {
                        break;
                    }
                    assert.equal(body.error.code, 100);
                    failures++;
                    await sleep(20);
                }
                await sleep(10);
            }
        })();

        await until(() => received.length >= 10, { what: '10 publications before the restart' });
        await durable.restart();
        await publishing;

        await until(() => received.length >= total, { timeout: 10000, what: 'every publication' });
        await sleep(300);
        assert.deepEqual(offsets(received), range(1, total), 'each offset once, in order');
        assert.deepEqual(
            received.map((p) => p.data.seq),
            range(0, total - 1),
        );
        assert.ok(failures > 0, 'publishing failed while Redis was down');

        await one.stop();
        await two.stop();
        await durable.dispose();
    },
);

test(
    'a node shedding publications from another node: its clients recover each one, in order',
    { timeout: 30000 },
    async () => {
        const channel = 'rec:shed';

        // One fan-out thread that sheds whenever anything waits for it: a
        // burst through Redis arrives faster than the thread wakes for it.
        const shedder = await startServer({
            redis: redis.url,
            fanoutThreads: 1,
            fanoutQueueMaxBytes: 1,
        });
        const client = makeClient(shedder);
        await connect(client);
        const { sub } = await subscribe(client, channel);
        const received = record(sub, 'publication');
        const resubscribes = record(sub, 'subscribing');

        const total = 100;
        for (let first = 0; first < total; first += 20) {
            const batch = [];
            for (let seq = first; seq < first + 20; seq++) {
                batch.push(nodes[0].publish(channel, { seq }));
            }
            await Promise.all(batch);
        }

        await until(() => received.length >= total, { timeout: 15000, what: 'every publication' });
        await sleep(300);
        assert.deepEqual(offsets(received), range(1, total), 'each offset once, in order');
        assert.ok(
            resubscribes.some((ctx) => ctx.code === 2500),
            'the node sent the client back to recovery at least once',
        );
        assert.match(shedder.stderr, /shedding publications/);
        await shedder.stop();
    },
);

test('a publish fails with code 100 while Redis is down', async () => {
    const own = await startRedis();
    const node = await startServer({ redis: own.url });
    await node.publish('rec:down', { seq: 0 });
    await own.stop();

    const { status, body } = await node.api('publish', { channel: 'rec:down', data: {} });
    assert.equal(status, 200);
    assert.equal(body.error.code, 100);
    await node.stop();
});

test('disconnect and unsubscribe through one node reach the clients of another', async () => {
    const secret = 'redis-control-secret';
    const one = await startServer({ redis: redis.url, tokenSecret: secret });
    const two = await startServer({ redis: redis.url, tokenSecret: secret });
    const channel = 'rec:control';

    // The real client: a server unsubscribe ends its subscription for good,
    // and 3503 is a final disconnect.
    const client = makeClient(two, { token: userToken('mallory', secret) });
    await connect(client);
    const { sub } = await subscribe(client, channel);
    const unsubscribed = waitFor(sub, 'unsubscribed');
    const unsub = await one.api('unsubscribe', { channel, user: 'mallory' });
    assert.deepEqual(unsub.body, { result: {} });
    const gone = await unsubscribed;
    assert.equal(gone.code, 2000);
    assert.equal(sub.state, 'unsubscribed');

    const disconnected = waitFor(client, 'disconnected');
    const kick = await one.api('disconnect', {
        user: 'mallory',
        disconnect: { code: 3503, reason: 'force disconnect' },
    });
    assert.deepEqual(kick.body, { result: {} });
    const ctx = await disconnected;
    assert.equal(ctx.code, 3503);
    assert.equal(ctx.reason, 'force disconnect');
    await sleep(300);
    assert.equal(client.state, 'disconnected', 'the client does not reconnect');

    await one.stop();
    await two.stop();
});
