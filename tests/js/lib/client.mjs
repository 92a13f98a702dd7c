// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Helpers around the real centrifuge client: waiting for its events with a
// deadline, and a WebSocket class the tests can cut off to simulate a network
// loss the client notices only as a dead transport.

import { Centrifuge, WebSocket } from './deps.mjs';

export const EVENT_TIMEOUT_MS = 5000;

/**
 * Resolves with the first `event` of `emitter` whose context satisfies
 * `predicate`; rejects after `timeout` ms naming what it waited for.
 */
export function waitFor(
    emitter,
    event,
    { predicate = () => true, timeout = EVENT_TIMEOUT_MS } = {},
) {
    return new Promise((resolve, reject) => {
        const onEvent = (ctx) => {
            if (predicate(ctx)) {
                clearTimeout(timer);
                emitter.off(event, onEvent);
                resolve(ctx);
            }
        };
        const timer = setTimeout(() => {
            emitter.off(event, onEvent);
            reject(new Error(`no '${event}' event within ${timeout} ms`));
        }, timeout);
        emitter.on(event, onEvent);
    });
}

/** Records every `event` of `emitter` into the returned array. */
export function record(emitter, event) {
    const seen = [];
    emitter.on(event, (ctx) => seen.push(ctx));
    return seen;
}

/** Resolves once `check()` is true, polling; rejects after `timeout` ms. */
export async function until(check, { timeout = EVENT_TIMEOUT_MS, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    while (!check()) {
        if (Date.now() > deadline) {
            throw new Error(`${what} not reached within ${timeout} ms`);
        }
        await sleep(20);
    }
}

export function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A switchable network for one client. `drop()` kills the live socket without
 * a close frame (as a lost connection looks: code 1006) and refuses new ones
 * until `restore()`, so the test decides exactly when the client is away.
 */
export class Network {
    constructor() {
        this.sockets = [];
        this.offline = false;
        const network = this;

        // The client constructs its sockets itself; this subclass lets the test
        // see them and refuse them. A throwing constructor is reported by the
        // client as a failed transport, after which it retries with backoff.
        this.WebSocket = class extends WebSocket {
            constructor(url, protocols) {
                if (network.offline) {
                    throw new Error('network is down (test)');
                }
                super(url, protocols);
                network.sockets.push(this);
            }
        };
    }

    drop() {
        this.offline = true;
        for (const socket of this.sockets) {
            socket.terminate();
        }
        this.sockets = [];
    }

    restore() {
        this.offline = false;
    }
}

const clients = new Set();

/**
 * A centrifuge client for `server` with short reconnect delays, so tests that
 * reconnect stay fast. `options` go to the client as they are.
 */
export function makeClient(server, options = {}) {
    const client = new Centrifuge(server.wsUrl, {
        websocket: WebSocket,
        minReconnectDelay: 100,
        maxReconnectDelay: 400,
        timeout: 4000,
        ...options,
    });
    clients.add(client);
    return client;
}

/** Connects `client` and resolves with its `connected` context. */
export async function connect(client) {
    const connected = waitFor(client, 'connected');
    client.connect();
    return connected;
}

/** Subscribes to `channel` and resolves with { sub, ctx } once subscribed. */
export async function subscribe(client, channel, options = {}) {
    const sub = client.newSubscription(channel, options);
    const subscribed = waitFor(sub, 'subscribed');
    sub.subscribe();
    return { sub, ctx: await subscribed };
}

/** Disconnects every client made by makeClient; call from `after`. */
export function disconnectAll() {
    for (const client of clients) {
        client.disconnect();
    }
    clients.clear();
}
