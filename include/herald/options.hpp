// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/log.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <system_error>

namespace herald {

/// What a channel keeps and allows. Every channel takes the options of its
/// namespace: the part of its name before the first ':' ("match" for
/// "match:42"); a name without ':' belongs to the default namespace.
struct ChannelOptions {
    /// Publications kept in history; 0 keeps none (offsets still advance).
    std::size_t history_size = 0;

    /// How long a publication stays in history; 0 keeps none.
    std::chrono::seconds history_ttl{0};

    /// Subscribers are positioned and can recover what they missed after a
    /// reconnect. Needs history_size > 0 and history_ttl > 0.
    bool recovery = false;

    /// Subscribers may ask who else is subscribed (presence and stats).
    bool presence = false;

    /// Clients may publish into the channel with the `publish` command.
    bool allow_publish = false;

    /// Clients may read the channel's history with the `history` command.
    bool allow_history = false;

    /// Connections without a user id (anonymous) may subscribe.
    bool allow_anonymous = true;
};

/// Settings of a Hub. Durations are whole seconds as in the protocol.
struct HubOptions {
    /// Options of channels whose name has no namespace.
    ChannelOptions default_channel;

    /// Options per namespace; a channel in a namespace missing here is
    /// refused with error 102 (unknown channel).
    std::map<std::string, ChannelOptions, std::less<>> namespaces;

    /// HMAC-SHA256 secret that signs connection tokens (JWT, HS256). Empty:
    /// no token is checked and every connection is anonymous.
    std::string token_hmac_secret;

    /// Key the server API expects in `X-API-Key` or `Authorization: apikey`.
    /// Empty: the server API refuses every request with 401.
    std::string api_key;

    /// This node's name in `/api/info`; empty: the host name.
    std::string node_name;

    /// Interval between server pings; the client must answer each.
    std::chrono::seconds ping_interval{25};

    /// How long a pong may take before the client is dropped with 3012.
    std::chrono::seconds pong_timeout{8};

    /// How long a connection may stay without a `connect` command (3502).
    std::chrono::seconds stale_timeout{10};

    /// Most channels one connection may subscribe to (error 106 past it).
    std::size_t client_channel_limit = 128;

    /// Longest channel name in bytes (error 107 past it).
    std::size_t channel_max_length = 255;

    /// Most publications a recovery may replay; more means not recovered.
    std::size_t recovery_max_publications = 300;

    /// Most publications one history call returns.
    std::size_t history_max_publications = 300;

    /// Largest inbound message in bytes.
    std::size_t max_message_size = 64 * 1024;

    /// Bytes that may wait in one client's outgoing queue before the client
    /// is disconnected with 3008 "slow" (it recovers when it comes back).
    std::size_t client_queue_max_bytes = 4 * 1024 * 1024;

    /// Threads that deliver publications to the subscribers; 0: one per
    /// core. Each session is served by one of them, so it gets every
    /// channel's publications in order. At most 1024.
    unsigned fanout_threads = 0;

    /// Bytes of publications that may wait for one fan-out thread. While
    /// one has more waiting, a publish made on this node fails with
    /// too_many_requests (111, worth retrying) instead of growing memory
    /// and latency. Past twice this, and until it is back under it,
    /// publications from other nodes are shed: the thread's subscribers of
    /// their channel are sent back to recovery (unsubscribe 2500) and fetch
    /// them from history.
    /// 0: no limit.
    std::size_t fanout_queue_max_bytes = 64 * 1024 * 1024;

    /// Where the hub's log records go; silent when empty.
    LogSink log_sink;

    /// The least severe level passed to `log_sink`.
    LogLevel log_level = LogLevel::info;
};

/// The namespace part of a channel name: "match" for "match:42", "" for "lobby".
std::string_view channel_namespace(std::string_view channel) noexcept;

/// Checks `options`; on failure sets `ec` to errc::invalid_options and
/// `what` to a sentence naming the field.
void validate(const HubOptions& options, std::error_code& ec, std::string& what);

} // namespace herald
