// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/history.hpp>
#include <herald/log.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace herald {

/// What a broker needs to know to publish into a channel.
struct PublishOptions {
    std::size_t history_size = 0;          ///< publications to keep
    std::chrono::seconds history_ttl{0};   ///< how long to keep them
    std::optional<ClientInfo> info;        ///< the publishing client, if any
    std::map<std::string, std::string> tags;
    /// A publish carrying a key accepted shortly before returns the first
    /// result and is not delivered again. Empty: no deduplication.
    std::string idempotency_key;
};

/// Where a publication landed.
struct PublishResult {
    StreamPosition position; ///< its offset and the stream's epoch
};

/// Which part of a stream a history read returns.
struct HistoryQuery {
    /// Publications after this position; absent: the newest ones.
    std::optional<StreamPosition> since;
    /// How many at most; 0 returns only the stream top; < 0 means all.
    std::ptrdiff_t limit = 0;
    /// Newest first instead of oldest first.
    bool reverse = false;
    /// The channel's history bounds, used when the read creates the stream.
    std::size_t history_size = 0;
    std::chrono::seconds history_ttl{0};
};

/// What a history read returns.
struct HistoryResult {
    std::vector<PublicationPtr> publications;
    StreamPosition top; ///< the stream top at the time of the read
};

/// Counts of a channel's presence.
struct PresenceStats {
    std::size_t num_clients = 0;
    std::size_t num_users = 0;
};

/// Presence of a channel, keyed by client id.
using PresenceMap = std::map<std::string, ClientInfo>;

/// What `/api/info` reports about a node.
struct NodeInfo {
    std::string uid;   ///< random, new at every start
    std::string name;
    std::string version;
    std::size_t num_clients = 0;
    std::size_t num_users = 0;
    std::size_t num_channels = 0;
    std::chrono::seconds uptime{0};
};

/// A cluster-wide operation on one user's connections, carried from the
/// node that takes it to every other node.
struct ControlCommand {
    enum class Kind {
        disconnect,  ///< close the connections with `code` and `reason`
        unsubscribe, ///< take them out of `channel`
    };

    Kind kind = Kind::disconnect;
    std::string origin;  ///< the uid of the node that sent it
    std::string user;    ///< whose connections
    std::string client;  ///< only this connection of theirs; empty: all
    std::string channel; ///< unsubscribe: the channel they leave
    std::uint16_t code = 0; ///< disconnect: the close code
    std::string reason;     ///< disconnect: the close reason
};

/// What a broker reports to the node that started it.
class BrokerEventHandler {
public:
    virtual ~BrokerEventHandler() = default;

    /// A publication arrived for a channel this node subscribed to. For one
    /// channel, calls come one at a time and in offset order.
    virtual void on_publication(const std::string& channel,
                                const PublicationPtr& pub,
                                const StreamPosition& position) = 0;

    /// The broker lost its feed for a while (a dropped connection) and may
    /// have missed publications of any channel. The node checks where each
    /// of its channels stands and sends subscribers that fell behind back
    /// to recovery.
    virtual void on_feed_restored() {}

    /// Another node sent a ControlCommand (Broker::publish_control). A
    /// broker may also hand a node its own commands back: `origin` tells.
    virtual void on_control(const ControlCommand&) {}

    /// This node as other nodes see it; a broker shared by several nodes
    /// sends it to them now and then.
    virtual NodeInfo node_info() const { return {}; }

    /// Where the broker logs what happens to it (lost connections,
    /// reconnections). The default drops every record.
    virtual const Logger& logger() const noexcept
    {
        static const Logger none;
        return none;
    }
};

/// The engine that orders publications, keeps history and presence, and
/// carries publications between nodes. Every call is thread-safe and
/// completes through its callback, which may run before the call returns
/// (an in-memory broker) or later on the broker's own thread.
class Broker {
public:
    using PublishCallback = std::function<void(std::error_code, PublishResult)>;
    using HistoryCallback = std::function<void(std::error_code, HistoryResult)>;
    using PresenceCallback = std::function<void(std::error_code, PresenceMap)>;
    using StatsCallback = std::function<void(std::error_code, PresenceStats)>;
    using NodesCallback = std::function<void(std::error_code, std::vector<NodeInfo>)>;
    using ControlCallback = std::function<void(std::error_code)>;

    virtual ~Broker() = default;

    /// Starts delivering events to `handler`, which outlives the broker's use.
    virtual void start(BrokerEventHandler& handler) = 0;

    /// Stops delivering events; pending callbacks may still run.
    virtual void stop() = 0;

    /// Assigns the next offset of `channel`, appends to its history, and
    /// delivers to every node subscribed to it, atomically.
    virtual void publish(const std::string& channel,
                         std::string data,
                         PublishOptions options,
                         PublishCallback done) = 0;

    /// This node wants the publications of `channel` (reference counted by
    /// the caller: called once when its first local subscriber arrives).
    virtual void subscribe(const std::string& channel) = 0;

    /// This node no longer wants the publications of `channel`.
    virtual void unsubscribe(const std::string& channel) = 0;

    /// Reads the history of `channel`.
    virtual void history(const std::string& channel, HistoryQuery query, HistoryCallback done) = 0;

    /// Records that `info.client` is subscribed to `channel`.
    virtual void add_presence(const std::string& channel, ClientInfo info) = 0;

    /// Removes the presence of `client_id` in `channel`.
    virtual void remove_presence(const std::string& channel, const std::string& client_id) = 0;

    /// Everyone present in `channel`.
    virtual void presence(const std::string& channel, PresenceCallback done) = 0;

    /// How many clients and distinct users are present in `channel`.
    virtual void presence_stats(const std::string& channel, StatsCallback done) = 0;

    /// The other live nodes sharing this broker's channels, as they last
    /// reported (BrokerEventHandler::node_info). The default knows none.
    virtual void nodes(NodesCallback done) { done({}, {}); }

    /// Carries `command` to every other node sharing this broker's channels
    /// (BrokerEventHandler::on_control); the sending node applies it
    /// itself. The default, for a broker of one node, has no one to tell.
    virtual void publish_control(ControlCommand, ControlCallback done) { done({}); }
};

} // namespace herald
