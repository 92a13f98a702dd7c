// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// The JSON codec of the Centrifugo client protocol v2: client commands in,
// replies and pushes out. Parsing is nlohmann::json's; payloads (`data`,
// `info`) are embedded byte for byte.

#include <herald/broker.hpp>
#include <herald/history.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::detail {

/// The request a command carries; `pong` is the empty command `{}`.
enum class Method {
    pong,
    connect,
    subscribe,
    unsubscribe,
    publish,
    presence,
    presence_stats,
    history,
    ping,
    send,
    rpc,
    refresh,
    sub_refresh,
};

/// One decoded client command. Only the fields of its method are set.
struct Command {
    std::uint32_t id = 0;
    Method method = Method::pong;

    std::string token;   // connect
    std::string name;    // connect: client name ("js")
    std::string channel; // subscribe, unsubscribe, publish, history, presence*
    std::string data;    // publish: raw JSON

    bool recover = false; // subscribe
    StreamPosition since; // subscribe: recover from; history: `since`
    bool has_since = false;

    std::int64_t limit = 0; // history
    bool reverse = false;   // history
};

/// Splits a transport message into commands. Returns false, with `error`
/// set, when any line is not a well-formed command; then nothing may be
/// executed and the client is disconnected with 3501.
bool decode_commands(std::string_view message, std::vector<Command>& out, std::string& error);

/// What a subscribe reply reports.
struct SubscribeReply {
    bool recoverable = false;
    bool positioned = false;
    bool was_recovering = false;
    bool recovered = false;
    StreamPosition position;
    std::vector<PublicationPtr> publications;
};

/// {"id":N,"error":{"code":C,"message":"..","temporary":true}}
std::string encode_error(std::uint32_t id, std::uint32_t code, bool temporary);

/// The message of a protocol error code ("permission denied").
std::string_view error_message(std::uint32_t code) noexcept;

/// {"id":N,"connect":{"client":..,"version":..,"ping":P,"pong":true}}
std::string encode_connect(std::uint32_t id,
                           std::string_view client,
                           std::string_view version,
                           std::uint32_t ping_seconds);

/// {"id":N,"subscribe":{...}}
std::string encode_subscribe(std::uint32_t id, const SubscribeReply& reply);

/// {"id":N,"<method>":{}} for unsubscribe and publish.
std::string encode_empty_result(std::uint32_t id, std::string_view method);

/// {"id":N,"history":{"publications":[..],"epoch":..,"offset":..}}
std::string encode_history(std::uint32_t id, const HistoryResult& result);

/// {"id":N,"presence":{"presence":{..}}}
std::string encode_presence(std::uint32_t id, const PresenceMap& presence);

/// {"id":N,"presence_stats":{"num_clients":..,"num_users":..}}
std::string encode_presence_stats(std::uint32_t id, const PresenceStats& stats);

/// {"push":{"channel":..,"pub":{...}}}: the one frame every subscriber shares.
std::string encode_publication_push(std::string_view channel, const Publication& pub);

/// {"push":{"channel":..,"unsubscribe":{"code":C,"reason":".."}}}
std::string encode_unsubscribe_push(std::string_view channel,
                                    std::uint32_t code,
                                    std::string_view reason);

/// Appends `[pub,pub,...]`.
void append_publications(std::string& out, const std::vector<PublicationPtr>& pubs);

} // namespace herald::detail
