// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// The engine behind herald::Hub: channel registry, sessions, fan-out and
// housekeeping. Private to the library.

#include <herald/broker.hpp>
#include <herald/channel.hpp>
#include <herald/hub.hpp>
#include <herald/log.hpp>
#include <herald/options.hpp>
#include <herald/session.hpp>
#include <herald/transport.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace herald::detail {

/// One session's subscription to one channel. Its fields are guarded by the
/// owning session's mutex, except `lane`; the channel's subscriber list only
/// holds it.
struct Subscription {
    /// A publication that arrived while the subscribe reply was being built.
    struct Pending {
        FramePtr frame;
        PublicationPtr publication;
        StreamPosition position;
    };

    std::weak_ptr<Session> session;
    std::string channel;
    ChannelOptions options;

    /// The session's fan-out lane. Set before the subscription joins a
    /// channel's list and never changed, so the fan-out reads it unlocked.
    unsigned lane = 0;

    bool live = false;    // the subscribe reply went out
    bool removed = false; // unsubscribed or the session closed
    StreamPosition position;  // the last publication the client has
    std::vector<Pending> pending;
};

/// Most publications buffered for one subscription while its history is
/// read; past it the client is told to resubscribe (insufficient state).
inline constexpr std::size_t max_pending_publications = 10000;

class HubCore final : public BrokerEventHandler, public std::enable_shared_from_this<HubCore> {
public:
    HubCore(HubOptions options, std::shared_ptr<Broker> broker);
    ~HubCore() override;

    /// Starts the fan-out lanes, the broker and the housekeeping thread.
    void start();
    void shutdown();
    bool is_shut_down() const noexcept { return shut_down_.load(); }

    const HubOptions& options() const noexcept { return options_; }
    const Logger& logger() const noexcept override { return logger_; }
    Broker& broker() noexcept { return *broker_; }

    /// The options of `channel`'s namespace; null with `ec` set when the name
    /// is invalid (bad_request) or its namespace unknown (unknown_channel).
    const ChannelOptions* resolve(std::string_view channel, std::error_code& ec) const;

    std::shared_ptr<Session> accept(std::shared_ptr<Connection> connection);
    void remove_session(const std::string& id);

    /// Registers `sub` for fan-out in `channel`.
    void add_subscriber(const std::shared_ptr<Subscription>& sub);
    void remove_subscriber(const Subscription& sub);

    void publish(PublishRequest request,
                 std::optional<ClientInfo> info,
                 std::function<void(std::error_code, PublishResult)> done);
    void history(std::string channel,
                 HistoryQuery query,
                 std::function<void(std::error_code, HistoryResult)> done);
    void presence(std::string channel, std::function<void(std::error_code, PresenceMap)> done);
    void presence_stats(std::string channel,
                        std::function<void(std::error_code, PresenceStats)> done);

    std::vector<ChannelSummary> channels() const;
    NodeInfo info() const;
    NodeInfo node_info() const override { return info(); }
    void nodes(std::function<void(std::error_code, std::vector<NodeInfo>)> done) const;

    // Cluster-wide operations on a user's connections (src/core/control.cpp).
    void disconnect_user(DisconnectRequest request, std::function<void(std::error_code)> done);
    void unsubscribe_user(UnsubscribeRequest request, std::function<void(std::error_code)> done);
    void on_control(const ControlCommand& command) override;

    /// The shared server ping frame, `{}`.
    const FramePtr& ping_frame() const noexcept { return ping_frame_; }

    void on_publication(const std::string& channel,
                        const PublicationPtr& pub,
                        const StreamPosition& position) override;
    void on_feed_restored() override;

private:
    // One step of work for the fan-out lanes that serve its subscribers: a
    // publication to deliver to a channel's subscribers, or, without one,
    // the stream top to check them against after a feed outage. Each lane
    // serves only its own subscriptions of the list.
    struct FanoutTask {
        std::shared_ptr<const Channel::SubscriberList> subscribers;
        FramePtr frame;
        PublicationPtr publication;
        StreamPosition position;
        std::string channel;
    };

    // A fan-out worker thread and its FIFO queue.
    struct FanoutLane {
        std::mutex mutex;
        std::condition_variable wake;
        std::deque<std::shared_ptr<const FanoutTask>> queue;
        bool stopping = false;
        std::thread thread;

        // The frames' bytes in `queue` and in the pass under way; read
        // without the lock by publishers deciding whether to refuse.
        std::atomic<std::size_t> queued_bytes{0};

        // Per channel, the resync queued for publications this lane shed
        // and not yet started; a later shed moves its position forward
        // instead of queueing another pass over every subscriber.
        std::unordered_map<std::string, std::shared_ptr<FanoutTask>> resyncs;
        bool shedding = false; // past twice the limit, and not yet under it
    };

    std::vector<std::shared_ptr<Session>> sessions_snapshot() const;
    std::vector<std::shared_ptr<Channel>> channels_snapshot() const;
    static std::shared_ptr<const Channel::SubscriberList> subscribers(const Channel& ch);

    // The channel's list, ready to change; the caller holds ch.mutex_.
    static Channel::SubscriberList& writable_subscribers(Channel& ch);

    void housekeeping();
    void refresh_ticking();

    // Fan-out: a task goes to every lane that serves one of its subscribers
    // (lanes_needed), and each lane delivers it to the sessions assigned to
    // it (src/core/hub.cpp).
    unsigned lane_of(const Session& session) const;
    void queue_fanout(const std::shared_ptr<const FanoutTask>& task);
    std::vector<bool> lanes_needed(const Channel::SubscriberList& subscribers) const;
    void run_lane(FanoutLane& lane, unsigned index);
    bool fanout_backlogged() noexcept;
    bool sheds_locked(FanoutLane& lane, const FanoutTask& task, int& change) const noexcept;
    static void queue_resync_locked(FanoutLane& lane, const FanoutTask& shed);
    void note_shedding(int change);
    static std::size_t task_bytes(const FanoutTask& task) noexcept;
    void serve(const FanoutTask& task, unsigned lane);
    void stop_lanes();

    // Applies `command` to this node's sessions, then has the broker carry
    // it to the others.
    void control(ControlCommand command, std::function<void(std::error_code)> done);
    void apply_control(const ControlCommand& command);
    void server_unsubscribe(Session& session, const std::string& channel);

    const HubOptions options_;
    Logger logger_;
    std::shared_ptr<Broker> broker_;
    const std::string uid_;
    const std::string name_;
    const std::chrono::steady_clock::time_point started_;
    const FramePtr ping_frame_;
    std::atomic<bool> shut_down_{false};
    std::atomic<bool> refusing_publishes_{false}; // the fan-out is backlogged
    std::atomic<int> shedding_lanes_{0};          // lanes shedding publications

    struct SessionEntry {
        std::shared_ptr<Session> session;
        unsigned lane = 0;
    };

    mutable std::mutex sessions_mutex_;
    std::unordered_map<std::string, SessionEntry> sessions_;
    bool sessions_changed_ = false; // since ticking_ was last rebuilt
    unsigned next_lane_ = 0;        // the lane of the next session accepted

    // The sessions the housekeeper ticks, rebuilt only after sessions came
    // or went: copying 20,000 session pointers four times a second cost
    // more than a fan-out at low rates. Touched by the housekeeper alone.
    std::vector<std::shared_ptr<Session>> ticking_;

    mutable std::mutex channels_mutex_;
    std::unordered_map<std::string, std::shared_ptr<Channel>> channels_;

    std::mutex tick_mutex_;
    std::condition_variable tick_cv_;
    std::thread housekeeper_;

    std::vector<std::unique_ptr<FanoutLane>> lanes_;
};

} // namespace herald::detail
