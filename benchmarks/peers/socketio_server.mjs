// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The Socket.IO 4 peer: a client joins a room with a "subscribe" event
// (acknowledged), and a publication is a "pub" event broadcast to the room.

import { Server } from 'socket.io';

import { startPeer } from './common.mjs';

startPeer((server) => {
    const io = new Server(server, {
        transports: ['websocket'],
        perMessageDeflate: false,
        serveClient: false,
    });
    io.on('connection', (socket) => {
        socket.on('subscribe', (room, ack) => {
            socket.join(room);
            if (typeof ack === 'function') {
                ack({ ok: true });
            }
        });
    });
    return (channel, data) => {
        io.to(channel).emit('pub', data);
    };
});
