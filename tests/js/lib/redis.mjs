// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// A real redis-server for the multi-node tests, on a free loopback port and
// without persistence. It dies with the test process, whatever way it ends.

import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync } from 'node:fs';
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

/** A running redis-server; `url` is what `herald-test-server --redis` takes. */
export class RedisServer {
    constructor(child, port) {
        this.child = child;
        this.port = port;
        this.url = `redis://127.0.0.1:${port}`;
        this.exited = once(child, 'exit');
    }

    async stop() {
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill('SIGTERM');
            await this.exited;
        }
    }
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedis() {
    if (!REDIS_SERVER) {
        throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
    }
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly',
        'no'];
    const [command, argv] = SETPRIV
        ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', REDIS_SERVER, ...args]]
        : [REDIS_SERVER, args];
    const child = spawn(command, argv, { stdio: 'ignore' });
    process.on('exit', () => child.kill('SIGKILL'));

    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
        if (await answersPing(port)) {
            return new RedisServer(child, port);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    throw new Error('redis-server did not answer PING within 5 s');
}
