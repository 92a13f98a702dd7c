// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Starts herald's test server (tests/support/test_server.cpp) on an ephemeral
// loopback port and talks to its HTTP side. Every server started here is
// killed when the test process exits, whatever way it exits.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { constants } from 'node:os';

export const API_KEY = 'test-key';
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 5000;

const running = new Set();

function killAll() {
    for (const child of running) {
        child.kill('SIGKILL');
    }
    running.clear();
}

// 'exit' covers normal ends and uncaught errors; the signals cover ctest's
// timeout and ^C, which would otherwise leave servers holding ports.
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
        killAll();
        process.exit(128 + constants.signals[signal]);
    });
}

function serverPath() {
    const path = process.env.HERALD_TEST_SERVER;
    if (!path) {
        throw new Error(
            'HERALD_TEST_SERVER is not set: run these tests through ctest, or set it to ' +
                'the herald-test-server binary (build/tests/support/herald-test-server).',
        );
    }
    if (!existsSync(path)) {
        throw new Error(`HERALD_TEST_SERVER=${path} does not exist: build herald-test-server`);
    }
    return path;
}

// The exit handlers above cannot run when this process is SIGKILLed (ctest
// may do that on a timeout). util-linux's setpriv, which execs the server in
// place, has the kernel kill it then too; without setpriv, spawn it directly.
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

function withParentDeathSignal(command, args) {
    if (!SETPRIV) {
        return [command, args];
    }
    return [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]];
}

// Turns { pingInterval: 1 } into ['--ping-interval', '1'].
function toArgs(options) {
    const args = ['--port', '0'];
    for (const [key, value] of Object.entries(options)) {
        if (value === undefined || value === null) {
            continue;
        }
        const flag = key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
        args.push(`--${flag}`, String(value));
    }
    return args;
}

/** A running herald-test-server. */
export class TestServer {
    constructor(child, port, output) {
        this.child = child;
        this.port = port;
        this.httpUrl = `http://127.0.0.1:${port}`;
        this.wsUrl = `ws://127.0.0.1:${port}/connection/websocket`;
        this.exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
        this.output = output;
    }

    /** What the server wrote to stderr so far, for failure messages. */
    get stderr() {
        return this.output.stderr;
    }

    /** True once the server process has ended. */
    get dead() {
        return this.child.exitCode !== null || this.child.signalCode !== null;
    }

    /**
     * fetch() against the server with a 5 s deadline. A failure because the
     * server died says so, with its stderr, instead of "connection refused".
     */
    async fetch(path, init = {}) {
        try {
            return await fetch(`${this.httpUrl}${path}`, {
                signal: AbortSignal.timeout(5000),
                ...init,
            });
        } catch (err) {
            if (this.dead) {
                const { exitCode, signalCode } = this.child;
                throw new Error(
                    `herald-test-server died (exit code ${exitCode}, signal ` +
                        `${signalCode}); stderr:\n${this.stderr}`,
                );
            }
            throw err;
        }
    }

    /**
     * Calls a server API method and returns { status, body } where body is the
     * parsed JSON (or the raw text when it is not JSON).
     */
    async api(method, body, { key = API_KEY, raw } = {}) {
        const headers = { 'Content-Type': 'application/json' };
        if (key !== null) {
            headers['X-API-Key'] = key;
        }
        const response = await this.fetch(`/api/${method}`, {
            method: 'POST',
            headers,
            body: raw !== undefined ? raw : JSON.stringify(body),
        });
        const text = await response.text();
        let parsed = text;
        try {
            parsed = JSON.parse(text);
        } catch {
            // Left as text: the caller asserts on the status anyway.
        }
        return { status: response.status, body: parsed };
    }

    /** Publishes `data` into `channel` and returns the result {offset, epoch}. */
    async publish(channel, data) {
        const { status, body } = await this.api('publish', { channel, data });
        if (status !== 200 || !body || !body.result) {
            throw new Error(`publish into ${channel} failed: ${status} ${JSON.stringify(body)}`);
        }
        return body.result;
    }

    /** Recreates the stream of `channel`, which gives it a new epoch. */
    async resetStream(channel) {
        const path = `/test/reset_stream?channel=${encodeURIComponent(channel)}`;
        const response = await this.fetch(path, {
            method: 'POST',
            headers: { 'X-API-Key': API_KEY },
        });
        await response.text();
        if (response.status !== 200) {
            throw new Error(`reset_stream ${channel} answered ${response.status}`);
        }
    }

    /** Sends SIGTERM and waits for the process to end (SIGKILL after 5 s). */
    async stop() {
        if (this.dead) {
            return this.exited;
        }
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const result = await this.exited;
        clearTimeout(timer);
        return result;
    }
}

/**
 * Starts a server with `options` (camelCase of its flags: tokenSecret,
 * pingInterval, pongTimeout, staleTimeout, channelLimit, ...) and resolves once
 * it printed `LISTENING <port>`.
 */
export async function startServer(options = {}) {
    const [command, args] = withParentDeathSignal(serverPath(), toArgs(options));
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.on('exit', () => running.delete(child));

    const output = { stderr: '' };
    child.stderr.on('data', (chunk) => {
        output.stderr += chunk;
    });

    const port = await new Promise((resolve, reject) => {
        let stdout = '';
        let settled = false;
        const fail = (why) => {
            if (settled) {
                return;
            }
            settled = true;
            child.kill('SIGKILL');
            reject(
                new Error(`herald-test-server ${why}\nstdout: ${stdout}\nstderr: ${output.stderr}`),
            );
        };
        const timer = setTimeout(
            () => fail(`did not listen within ${START_TIMEOUT_MS} ms`),
            START_TIMEOUT_MS,
        );
        child.stdout.on('data', (chunk) => {
            stdout += chunk;
            const match = /^LISTENING (\d+)$/m.exec(stdout);
            if (match && !settled) {
                settled = true;
                clearTimeout(timer);
                resolve(Number(match[1]));
            }
        });
        child.on('error', (err) => {
            clearTimeout(timer);
            fail(`could not start: ${err.message}`);
        });
        child.on('exit', (code, signal) => {
            clearTimeout(timer);
            fail(`exited before listening (code ${code}, signal ${signal})`);
        });
    });
    // Keep draining stdout so the server never blocks on a full pipe.
    child.stdout.resume();
    return new TestServer(child, port, output);
}
