// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Connection tokens (JWT, RFC 7519) signed here with Node's own crypto, so the
// tests do not trust herald's code to make what herald's code checks.

import { createHmac } from 'node:crypto';

const HASHES = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function base64url(input) {
    return Buffer.from(input).toString('base64url');
}

/** Seconds since the epoch, as JWT `exp` counts them. */
export function nowSeconds() {
    return Math.floor(Date.now() / 1000);
}

/**
 * A compact JWT for `claims`, signed with `secret`. `alg` picks the HMAC
 * (HS256 unless told otherwise), so tests can also make tokens herald must
 * refuse.
 */
export function signToken(claims, secret, alg = 'HS256') {
    const hash = HASHES[alg];
    if (!hash) {
        throw new Error(`unsupported alg ${alg}`);
    }
    const header = base64url(JSON.stringify({ alg, typ: 'JWT' }));
    const payload = base64url(JSON.stringify(claims));
    const signature = createHmac(hash, secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
}

/** A token for `user` valid for `ttl` seconds, with optional `info`. */
export function userToken(user, secret, { ttl = 3600, info } = {}) {
    const claims = { sub: user, exp: nowSeconds() + ttl };
    if (info !== undefined) {
        claims.info = info;
    }
    return signToken(claims, secret);
}
