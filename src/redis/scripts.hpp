// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// The Lua scripts the broker runs in Redis (EVALSHA, EVAL after NOSCRIPT).
// Each one runs atomically, so every node sees one order of offsets.

#include <string>
#include <string_view>

namespace herald::redis {

/// A script's source and its SHA-1, as EVALSHA wants it.
struct Script {
    std::string_view source;
    std::string sha1;
};

/// KEYS: stream, meta hash[, idempotency key]. ARGV: body, history size,
/// history ttl, epoch for a new stream, PUB/SUB channel, meta ttl,
/// idempotency window. Returns {offset, epoch, 1 if a repeat else 0}.
const Script& publish_script();

/// KEYS: stream, meta hash. ARGV: epoch for a new stream, meta ttl,
/// "f" or "r", first id, last id, count (0: only the top, -1: all).
/// Returns {top offset, epoch, entries as XRANGE gives them}.
const Script& history_script();

/// KEYS: presence hash, expiry set. ARGV: ttl, then client and info pairs.
const Script& presence_add_script();

/// KEYS: presence hash, expiry set. Drops expired entries and returns the
/// rest as HGETALL does.
const Script& presence_get_script();

/// Lower-case hex SHA-1 of `text`.
std::string sha1_hex(std::string_view text);

} // namespace herald::redis
