// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// A real redis-server for the multi-node tests, on a free loopback port,
// without persistence unless asked for an append-only file. It dies with the
// test process, whatever way it ends.

import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const REDIS_SERVER = [
    process.env.HERALD_REDIS_SERVER,
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
].find((path) => path && existsSync(path));
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

async function freePort() {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address();
    server.close();
    await once(server, 'close');
    return port;
}

function answersPing(port) {
    return new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => socket.write('PING\r\n'));
        socket.once('data', (data) => {
            socket.destroy();
            resolve(data.toString().startsWith('+PONG'));
        });
        socket.once('error', () => resolve(false));
    });
}

// Spawns redis-server with `args` and resolves with the child once it
// answers PING on `port`.
async function spawnRedis(port, args) {
    const [command, argv] = SETPRIV
        ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', REDIS_SERVER, ...args]]
        : [REDIS_SERVER, args];
    const child = spawn(command, argv, { stdio: 'ignore' });
    process.on('exit', () => child.kill('SIGKILL'));

    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
        if (await answersPing(port)) {
            return child;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    throw new Error('redis-server did not answer PING within 5 s');
}

/** A running redis-server; `url` is what `herald-test-server --redis` takes. */
export class RedisServer {
    constructor(child, port, args, dir) {
        this.child = child;
        this.port = port;
        this.args = args;
        this.dir = dir;
        this.url = `redis://127.0.0.1:${port}`;
    }

    /** Stops the server (SIGTERM, which also flushes an append-only file). */
    async stop() {
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = once(this.child, 'exit');
            this.child.kill('SIGTERM');
            await exited;
        }
    }

    /** Starts it again on the same port, with the same data directory. */
    async restart() {
        await this.stop();
        this.child = await spawnRedis(this.port, this.args);
    }

    /** Stops the server and deletes its data directory. */
    async dispose() {
        await this.stop();
        if (this.dir) {
            rmSync(this.dir, { recursive: true, force: true });
        }
    }
}

/**
 * Starts redis-server and resolves once it answers PING. With `durable`,
 * every write goes to an append-only file first (appendfsync always), so a
 * restart keeps everything Redis acknowledged.
 */
export async function startRedis({ durable = false } = {}) {
    if (!REDIS_SERVER) {
        throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
    }
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
    let dir;
    if (durable) {
        dir = mkdtempSync(join(tmpdir(), 'herald-redis-'));
        args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always');
    } else {
        args.push('--appendonly', 'no');
    }
    return new RedisServer(await spawnRedis(port, args), port, args, dir);
}
