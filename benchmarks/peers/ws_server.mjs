// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The `ws` peer: every client receives every publication's data, encoded
// once per publication and sent to each open client, as a ws user would
// write a broadcast.

import { WebSocketServer, WebSocket } from 'ws';

import { startPeer } from './common.mjs';

startPeer((server) => {
    const wss = new WebSocketServer({ server, perMessageDeflate: false });
    return (channel, data) => {
        const text = JSON.stringify(data);
        for (const client of wss.clients) {
            if (client.readyState === WebSocket.OPEN) {
                client.send(text);
            }
        }
    };
});
