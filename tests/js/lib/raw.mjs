// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// A bare protocol client on `ws`: it sends exactly the bytes a test writes and
// keeps every message the server sent, so tests can check the wire format
// itself rather than what the centrifuge client makes of it.

import { WebSocket } from './deps.mjs';

const WAIT_MS = 5000;

/** True for a server ping: an empty reply `{}`. */
export function isPing(message) {
    return message !== null && typeof message === 'object' && Object.keys(message).length === 0;
}

export class RawClient {
    /** Opens a connection to `url`; resolves once the handshake is done. */
    static async open(url, { autoPong = true } = {}) {
        const ws = new WebSocket(url);
        await new Promise((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`no WebSocket handshake with ${url}`)),
                WAIT_MS,
            );
            ws.once('open', () => {
                clearTimeout(timer);
                resolve();
            });
            ws.once('error', (err) => {
                clearTimeout(timer);
                reject(err);
            });
        });
        return new RawClient(ws, autoPong);
    }

    constructor(ws, autoPong) {
        this.ws = ws;
        this.autoPong = autoPong;
        this.messages = []; // every message the server sent, in order
        this.frames = 0; // transport frames received
        this.nextId = 1;
        this.waiters = new Set();
        this.closeInfo = null;
        this.closed = new Promise((resolve) => {
            ws.on('close', (code, reason) => {
                this.closeInfo = { code, reason: reason.toString() };
                resolve(this.closeInfo);
                this.notify();
            });
        });
        ws.on('error', () => {
            // A failed socket also emits 'close', which is what tests look at.
        });
        ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    }

    onFrame(data, isBinary) {
        this.frames += 1;
        const text = data.toString();
        for (const line of text.trim().split('\n')) {
            let message;
            try {
                message = JSON.parse(line);
            } catch {
                message = { unparsable: line, binary: isBinary };
            }
            this.messages.push(message);
            if (this.autoPong && isPing(message)) {
                this.sendText('{}');
            }
        }
        this.notify();
    }

    notify() {
        for (const waiter of this.waiters) {
            waiter();
        }
    }

    /** Sends `text` as one text frame. */
    sendText(text) {
        this.ws.send(text, { binary: false });
    }

    /** Sends `commands` newline-separated in one frame, as centrifuge-js does. */
    send(...commands) {
        this.sendText(commands.map((c) => JSON.stringify(c)).join('\n'));
    }

    /** Gives `command` the next id and returns that id. */
    withId(command) {
        command.id = this.nextId++;
        return command.id;
    }

    /**
     * Resolves with the first message (from the start of the connection)
     * matching `predicate`; rejects when the connection closes first or after
     * `timeout` ms.
     */
    waitMessage(predicate, { timeout = WAIT_MS, what = 'message' } = {}) {
        return new Promise((resolve, reject) => {
            let timer = null;
            const check = () => {
                const found = this.messages.find(predicate);
                if (found !== undefined) {
                    done();
                    resolve(found);
                } else if (this.closeInfo !== null) {
                    done();
                    reject(
                        new Error(
                            `connection closed (${this.closeInfo.code} ` +
                                `"${this.closeInfo.reason}") before ${what}`,
                        ),
                    );
                }
            };
            const done = () => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            timer = setTimeout(() => {
                done();
                reject(
                    new Error(
                        `no ${what} within ${timeout} ms; got ${JSON.stringify(this.messages)}`,
                    ),
                );
            }, timeout);
            this.waiters.add(check);
            check();
        });
    }

    /** The reply to command `id`. */
    reply(id, options = {}) {
        return this.waitMessage((m) => m.id === id, { what: `reply ${id}`, ...options });
    }

    /** Sends one command with a fresh id and resolves with its reply. */
    async call(command) {
        const id = this.withId(command);
        this.send(command);
        return this.reply(id);
    }

    /** The connect handshake; resolves with the connect result. */
    async connect(params = {}) {
        const reply = await this.call({ connect: params });
        if (!reply.connect) {
            throw new Error(`connect failed: ${JSON.stringify(reply)}`);
        }
        return reply.connect;
    }

    /** Resolves with { code, reason } once closed, or rejects after `timeout`. */
    waitClosed(timeout = WAIT_MS) {
        let timer;
        const deadline = new Promise((resolve, reject) => {
            timer = setTimeout(
                () => reject(new Error(`connection still open after ${timeout} ms`)),
                timeout,
            );
        });
        return Promise.race([this.closed, deadline]).finally(() => clearTimeout(timer));
    }

    /** True while the socket is open. */
    get open() {
        return this.ws.readyState === WebSocket.OPEN;
    }

    close() {
        this.ws.terminate();
    }
}
