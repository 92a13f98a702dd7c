// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/broker.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace herald {

/// Where a RedisBroker connects and how it keeps its keys.
struct RedisBrokerOptions {
    std::string host = "127.0.0.1"; ///< an IP address or a host name
    std::uint16_t port = 6379;
    /// Sent with AUTH at every connection, before any other command; empty:
    /// no AUTH. A wrong one is logged as an error and calls fail with
    /// errc::broker_unavailable.
    std::string password;
    /// A Redis 6 ACL user for AUTH; empty: the default user. Needs a
    /// password.
    std::string username;
    /// Every key and PUB/SUB channel starts with this and a colon; nodes
    /// that share channels use the same prefix.
    std::string prefix = "herald";
    /// A connection attempt that takes longer is abandoned and retried.
    std::chrono::milliseconds connect_timeout{2000};
    /// A command connection whose oldest unanswered command waits longer
    /// is dropped: its calls fail and it reconnects.
    std::chrono::milliseconds command_timeout{5000};
    /// The first retry after a lost connection; each failure doubles it.
    std::chrono::milliseconds reconnect_min{50};
    /// The longest wait between two connection attempts.
    std::chrono::milliseconds reconnect_max{5000};
    /// How long a presence entry lives unless its node refreshes it; a
    /// node refreshes its own entries every third of this.
    std::chrono::seconds presence_ttl{60};
    /// How often a node writes its NodeInfo to Redis for the others'
    /// /api/info; a node that stops is forgotten after three times this
    /// (rounded up to whole seconds).
    std::chrono::milliseconds node_info_interval{5000};
    /// How long an idempotency key is remembered.
    std::chrono::seconds idempotency_window{300};
    /// How long a channel's epoch and top offset outlive its last use
    /// (never less than the channel's history_ttl).
    std::chrono::seconds meta_ttl{7 * 24 * 3600};
};

/// Reads "redis://HOST:PORT" (or "HOST:PORT", or "HOST") into `options`,
/// with an optional "USER:PASSWORD@" or ":PASSWORD@" before the host
/// (percent-encoded, as in any URL). Sets `ec` to errc::invalid_options
/// when `url` is malformed.
void parse_redis_url(std::string_view url,
                     RedisBrokerOptions& options,
                     std::error_code& ec) noexcept;

/// The same; throws std::system_error on a malformed `url`.
void parse_redis_url(std::string_view url, RedisBrokerOptions& options);

/// A broker shared by every node connected to one Redis server, so that
/// several herald processes serve the same channels.
///
/// Publications travel through Redis PUB/SUB, one Redis channel per herald
/// channel, subscribed only while this node has local subscribers. Each
/// channel's history is a Redis Stream plus a meta hash holding its epoch
/// and top offset; one Lua script assigns the offset, appends and
/// publishes atomically, so every node sees one order. Presence lives in
/// Redis too and expires unless its node refreshes it.
///
/// The broker runs its own thread, which drives the Redis connections and
/// runs every callback. When Redis cannot be reached, calls fail with
/// errc::broker_unavailable and the broker reconnects with backoff; after
/// its PUB/SUB connection comes back it calls
/// BrokerEventHandler::on_feed_restored(). Records go to the handler's
/// logger under the component "broker.redis". See docs/redis.md.
class RedisBroker final : public Broker {
public:
    /// A broker that connects to Redis when started. Throws
    /// std::system_error with errc::invalid_options for bad options.
    explicit RedisBroker(RedisBrokerOptions options = {});

    /// Stops and joins the broker's thread. Do not destroy the broker from
    /// one of its callbacks.
    ~RedisBroker() override;

    RedisBroker(const RedisBroker&) = delete;
    RedisBroker& operator=(const RedisBroker&) = delete;

    void start(BrokerEventHandler& handler) override;

    /// Closes the connections: calls in flight fail with
    /// errc::broker_unavailable, and so does every call until start().
    void stop() override;

    void publish(const std::string& channel,
                 std::string data,
                 PublishOptions options,
                 PublishCallback done) override;
    void subscribe(const std::string& channel) override;
    void unsubscribe(const std::string& channel) override;
    void history(const std::string& channel, HistoryQuery query, HistoryCallback done) override;
    void add_presence(const std::string& channel, ClientInfo info) override;
    void remove_presence(const std::string& channel, const std::string& client_id) override;
    void presence(const std::string& channel, PresenceCallback done) override;
    void presence_stats(const std::string& channel, StatsCallback done) override;
    void nodes(NodesCallback done) override;

    /// Publishes `command` in the Redis channel "<prefix>:control", which
    /// every node subscribes to while it runs.
    void publish_control(ControlCommand command, ControlCallback done) override;

    /// The options the broker runs with.
    const RedisBrokerOptions& options() const noexcept;

private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

} // namespace herald
