// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "scripts.hpp"

#include <openssl/sha.h>

namespace herald::redis {
namespace {

// Stream entry ids are "<offset>-0", so a range by offset is a range by id.
// Each entry keeps its publication (d) and the time Redis took it in
// milliseconds (t), by which history reads expire it. A stream is deleted
// when its meta hash is created, so that a new epoch never shows entries of
// an old one. The idempotency key holds "<offset> <epoch>" of the first
// publish.
constexpr std::string_view publish_source = R"lua(
if KEYS[3] then
    local seen = redis.call('get', KEYS[3])
    if seen then
        local space = string.find(seen, ' ', 1, true)
        return {tonumber(string.sub(seen, 1, space - 1)), string.sub(seen, space + 1), 1}
    end
end
local epoch = redis.call('hget', KEYS[2], 'e')
if not epoch then
    epoch = ARGV[4]
    redis.call('del', KEYS[1])
    redis.call('hset', KEYS[2], 'e', epoch)
end
local offset = redis.call('hincrby', KEYS[2], 's', 1)
redis.call('expire', KEYS[2], ARGV[6])
if tonumber(ARGV[2]) > 0 and tonumber(ARGV[3]) > 0 then
    local now = redis.call('time')
    local at = now[1] * 1000 + math.floor(now[2] / 1000)
    redis.call('xadd', KEYS[1], 'MAXLEN', ARGV[2], offset .. '-0', 'd', ARGV[1], 't', at)
    redis.call('expire', KEYS[1], ARGV[3])
end
redis.call('publish', ARGV[5], cmsgpack.pack({offset, epoch, ARGV[1]}))
if KEYS[3] then
    redis.call('set', KEYS[3], offset .. ' ' .. epoch, 'EX', ARGV[7])
end
return {offset, epoch, 0}
)lua";

// Reading creates the meta hash as publishing would: a subscriber told
// {0, epoch} must see the first publication in that same epoch. Entries
// older than history_ttl (ARGV[7], seconds) are trimmed before the range is
// read; they are the oldest, so they come first. The top stays: a reader
// that needed a trimmed entry sees the gap and does not recover. Entries
// without a time (written by an older herald) are kept.
constexpr std::string_view history_source = R"lua(
local function expired_count(key, ttl)
    local now = redis.call('time')
    local cutoff = now[1] * 1000 + math.floor(now[2] / 1000) - ttl * 1000
    local count = 0
    local start = '-'
    while true do
        local batch = redis.call('xrange', key, start, '+', 'COUNT', 64)
        for _, entry in ipairs(batch) do
            local at = nil
            for i = 1, #entry[2], 2 do
                if entry[2][i] == 't' then
                    at = tonumber(entry[2][i + 1])
                end
            end
            if at == nil or at > cutoff then
                return count
            end
            count = count + 1
        end
        if #batch < 64 then
            return count
        end
        start = (tonumber(string.match(batch[#batch][1], '^%d+')) + 1) .. '-0'
    end
end

local epoch = redis.call('hget', KEYS[2], 'e')
if not epoch then
    epoch = ARGV[1]
    redis.call('del', KEYS[1])
    redis.call('hset', KEYS[2], 'e', epoch, 's', 0)
end
redis.call('expire', KEYS[2], ARGV[2])
local top = tonumber(redis.call('hget', KEYS[2], 's') or '0')
local count = tonumber(ARGV[6])
local entries = {}
if count ~= 0 and tonumber(ARGV[7]) > 0 then
    local expired = expired_count(KEYS[1], tonumber(ARGV[7]))
    if expired > 0 then
        redis.call('xtrim', KEYS[1], 'MAXLEN', redis.call('xlen', KEYS[1]) - expired)
    end
end
if count ~= 0 then
    local command = ARGV[3] == 'f' and 'xrange' or 'xrevrange'
    if count > 0 then
        entries = redis.call(command, KEYS[1], ARGV[4], ARGV[5], 'COUNT', count)
    else
        entries = redis.call(command, KEYS[1], ARGV[4], ARGV[5])
    end
end
return {top, epoch, entries}
)lua";

// Expiry is Redis's clock, not the nodes', so skewed nodes agree.
constexpr std::string_view presence_add_source = R"lua(
local ttl = tonumber(ARGV[1])
local now = tonumber(redis.call('time')[1])
for i = 2, #ARGV, 2 do
    redis.call('hset', KEYS[1], ARGV[i], ARGV[i + 1])
    redis.call('zadd', KEYS[2], now + ttl, ARGV[i])
end
redis.call('expire', KEYS[1], ttl)
redis.call('expire', KEYS[2], ttl)
return 0
)lua";

constexpr std::string_view presence_get_source = R"lua(
local now = tonumber(redis.call('time')[1])
local gone = redis.call('zrangebyscore', KEYS[2], '-inf', now)
for _, client in ipairs(gone) do
    redis.call('hdel', KEYS[1], client)
end
if #gone > 0 then
    redis.call('zremrangebyscore', KEYS[2], '-inf', now)
end
return redis.call('hgetall', KEYS[1])
)lua";

Script make_script(std::string_view source)
{
    return Script{source, sha1_hex(source)};
}

} // namespace

const Script& publish_script()
{
    static const Script script = make_script(publish_source);
    return script;
}

const Script& history_script()
{
    static const Script script = make_script(history_source);
    return script;
}

const Script& presence_add_script()
{
    static const Script script = make_script(presence_add_source);
    return script;
}

const Script& presence_get_script()
{
    static const Script script = make_script(presence_get_source);
    return script;
}

std::string sha1_hex(std::string_view text)
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);

    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * SHA_DIGEST_LENGTH);
    for (unsigned char byte : digest) {
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 0xf]);
    }
    return out;
}

} // namespace herald::redis
