// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// What every peer server shares with herald-bench-server: the publish
// trigger (POST /api/publish with {"channel", "data"}, as herald's server
// API takes it), "LISTENING <port>" on stdout, and a clean exit on SIGTERM.

import { createServer } from 'node:http';

// Largest publish request body accepted, in bytes.
const MAX_BODY = 1024 * 1024;

function flag(name, fallback) {
    const at = process.argv.indexOf(name);
    return at > 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

function answer(res, status, body) {
    res.writeHead(status, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify(body));
}

// Calls publish(channel, data) for each valid publish request.
function publishHandler(publish) {
    return (req, res) => {
        if (req.method !== 'POST' || req.url !== '/api/publish') {
            answer(res, 404, { error: 'not found' });
            return;
        }
        const chunks = [];
        let size = 0;
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY) {
                answer(res, 413, { error: 'too large' });
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => {
            let body;
            try {
                body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
                answer(res, 400, { error: 'bad json' });
                return;
            }
            if (typeof body.channel !== 'string' || body.data === undefined) {
                answer(res, 400, { error: 'channel and data are required' });
                return;
            }
            publish(body.channel, body.data);
            answer(res, 200, { result: {} });
        });
    };
}

// Starts an HTTP server with the publish trigger; `attach(server)` adds the
// WebSocket side and returns publish(channel, data).
export function startPeer(attach) {
    let publish = () => {};
    const server = createServer(publishHandler((channel, data) => publish(channel, data)));
    publish = attach(server);

    const port = Number(flag('--port', '0'));
    const host = flag('--host', '127.0.0.1');
    // herald's backlog: thousands of clients knock at once.
    server.listen({ port, host, backlog: 4096 }, () => {
        process.stdout.write(`LISTENING ${server.address().port}\n`);
    });

    const stop = () => process.exit(0);
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
}
