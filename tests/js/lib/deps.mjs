// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// The npm packages the tests drive herald with. They are loaded dynamically so
// that a checkout without `npm ci` fails with a sentence saying what to do,
// not with a bare module resolution error.

async function load(name) {
    try {
        return await import(name);
    } catch (err) {
        if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
            throw new Error(
                `tests/js: the npm package "${name}" is not installed. ` +
                    'Run `npm ci` in tests/js (or `scripts/dev deps`) first.',
            );
        }
        throw err;
    }
}

const centrifugeModule = await load('centrifuge');
const wsModule = await load('ws');

/** The real centrifuge client class (5.x). */
export const Centrifuge = centrifugeModule.Centrifuge;

/** The `ws` WebSocket class; Node 20 has no global WebSocket. */
export const WebSocket = wsModule.WebSocket;
