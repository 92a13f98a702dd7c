// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/broker.hpp>
#include <herald/error.hpp>
#include <herald/log.hpp>
#include <herald/options.hpp>
#include <herald/transport.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace herald {

class Session;

namespace detail {
class HubCore;
}

/// A publication to make, with everything a caller may set.
struct PublishRequest {
    std::string channel;
    std::string data; ///< one JSON value
    std::map<std::string, std::string> tags;
    /// Deduplicates retries: a key seen shortly before returns the first
    /// result (brokers that support it; the memory broker does).
    std::string idempotency_key;
};

/// Connections to close on every node (Hub::disconnect_user).
struct DisconnectRequest {
    std::string user;   ///< required: anonymous connections have no user
    std::string client; ///< only this connection; empty: all of the user's
    /// The close code and reason; 3000-4999, and at most 123 bytes of
    /// reason (a WebSocket close frame's room).
    std::uint16_t code = disconnect::force_disconnect.code;
    std::string reason = std::string(disconnect::force_disconnect.reason);
};

/// Subscriptions to end on every node (Hub::unsubscribe_user).
struct UnsubscribeRequest {
    std::string channel;
    std::string user;   ///< required
    std::string client; ///< only this connection; empty: all of the user's
};

/// A channel this node has local subscribers in.
struct ChannelSummary {
    std::string name;
    std::size_t num_clients = 0;
};

/// A herald node: channels, client sessions and the publish API, on top of
/// one Broker. Every member is thread-safe. A Hub does no I/O of its own;
/// attach a transport (WebSocketServer) to let clients in. It runs a
/// housekeeping thread (pings, timeouts) and HubOptions::fanout_threads
/// fan-out threads, which hand publications to the sessions' connections.
///
/// Control-plane calls come in two forms: one throws std::system_error, the
/// other reports through a std::error_code and never throws. The synchronous
/// forms wait for the broker: do not call them from a broker callback.
class Hub {
public:
    /// Starts a hub on `broker` (a MemoryBroker when null). Throws
    /// std::system_error with errc::invalid_options for bad options.
    explicit Hub(HubOptions options, std::shared_ptr<Broker> broker = nullptr);

    /// Shuts down (see shutdown()).
    ~Hub();

    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    /// Publishes `data` (one JSON value) into `channel` and returns where it
    /// landed; the fan-out threads deliver it to local subscribers after
    /// the call returns. Errors: unknown_channel, bad_request (invalid JSON
    /// or name), shut_down, broker errors.
    PublishResult publish(std::string_view channel, std::string_view data);
    PublishResult publish(std::string_view channel,
                          std::string_view data,
                          std::error_code& ec) noexcept;

    /// Publishes without waiting; `done` runs on the broker's thread, or on
    /// this one before the call returns.
    void publish_async(PublishRequest request,
                       std::function<void(std::error_code, PublishResult)> done);

    /// Reads the history of `channel`; errors as publish, plus not_available
    /// when the channel keeps no history and unrecoverable_position when
    /// `query.since` is older than what is kept.
    HistoryResult history(std::string_view channel, HistoryQuery query);
    HistoryResult history(std::string_view channel,
                          HistoryQuery query,
                          std::error_code& ec) noexcept;
    void history_async(std::string channel,
                       HistoryQuery query,
                       std::function<void(std::error_code, HistoryResult)> done);

    /// Clients subscribed to `channel` on every node; not_available when
    /// presence is off for its namespace.
    PresenceMap presence(std::string_view channel);
    PresenceMap presence(std::string_view channel, std::error_code& ec) noexcept;
    void presence_async(std::string channel,
                        std::function<void(std::error_code, PresenceMap)> done);

    /// Client and user counts of `channel`'s presence.
    PresenceStats presence_stats(std::string_view channel);
    PresenceStats presence_stats(std::string_view channel, std::error_code& ec) noexcept;
    void presence_stats_async(std::string channel,
                              std::function<void(std::error_code, PresenceStats)> done);

    /// Channels with local subscribers, sorted by name.
    std::vector<ChannelSummary> channels() const;

    /// This node's identity and counters.
    NodeInfo info() const;

    /// Every live node of the cluster as its broker last heard of it, this
    /// one first (fresh); only this one with a single-node broker.
    std::vector<NodeInfo> nodes() const;
    std::vector<NodeInfo> nodes(std::error_code& ec) const noexcept;
    void nodes_async(std::function<void(std::error_code, std::vector<NodeInfo>)> done) const;

    /// Closes the connections of `request.user` on every node. This node's
    /// are closed before the call returns; the others', once the broker
    /// has carried the command. Errors: bad_request (no user, a code or
    /// reason out of range), shut_down, broker errors (this node's
    /// connections are closed all the same).
    void disconnect_user(const DisconnectRequest& request);
    void disconnect_user(const DisconnectRequest& request, std::error_code& ec) noexcept;
    void disconnect_user_async(DisconnectRequest request,
                               std::function<void(std::error_code)> done);

    /// Ends the subscriptions of `request.user` to `request.channel` on
    /// every node; each client gets unsubscribe push 2000 "server
    /// unsubscribe" and does not resubscribe. Errors as disconnect_user,
    /// plus those of the channel name (bad_request, unknown_channel).
    void unsubscribe_user(const UnsubscribeRequest& request);
    void unsubscribe_user(const UnsubscribeRequest& request, std::error_code& ec) noexcept;
    void unsubscribe_user_async(UnsubscribeRequest request,
                                std::function<void(std::error_code)> done);

    /// Lets a new client connection in. The transport then feeds the session
    /// with Session::receive and reports the end with Session::closed.
    /// Returns null after shutdown().
    std::shared_ptr<Session> accept(std::shared_ptr<Connection> connection);

    /// Closes every client with 3001 "shutdown" and refuses new ones and new
    /// publications. Idempotent.
    void shutdown();

    /// The options the hub runs with.
    const HubOptions& options() const noexcept;

    /// The hub's logger, for transports and the host.
    const Logger& logger() const noexcept;

    /// The engine behind this hub, for transports and the server API.
    const std::shared_ptr<detail::HubCore>& core() const noexcept { return core_; }

private:
    std::shared_ptr<detail::HubCore> core_;
};

} // namespace herald
