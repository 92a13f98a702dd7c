// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/broker.hpp>
#include <herald/error.hpp>
#include <herald/history.hpp>
#include <herald/transport.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

namespace detail {
class HubCore;
struct Command;
struct Subscription;
} // namespace detail

/// One client connection, whatever carries it. A transport creates it with
/// Hub::accept, feeds it the client's messages with receive(), and calls
/// closed() when the connection is gone. Everything else (credentials,
/// subscriptions, pings, the outgoing queue) the session handles itself.
class Session : public std::enable_shared_from_this<Session> {
public:
    /// Use Hub::accept.
    Session(std::shared_ptr<detail::HubCore> core,
            std::shared_ptr<Connection> connection,
            std::string id);
    ~Session();

    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// The connection id the client sees as `client`.
    const std::string& id() const noexcept { return id_; }

    /// The user id from the connection token; empty when anonymous.
    std::string user() const;

    /// True once the client's `connect` command succeeded.
    bool connected() const noexcept { return state_.load() == State::connected; }

    /// Channels the client is subscribed to.
    std::vector<std::string> channels() const;

    /// Handles one transport message: one or more newline-separated commands.
    /// The transport calls it for one message at a time per session.
    void receive(std::string_view message);

    /// The transport reports that the connection is gone.
    void closed();

    /// Closes the connection with `reason` and leaves every channel.
    void disconnect(Disconnect reason);

private:
    friend class detail::HubCore;

    enum class State { connecting, connected, closed };
    using Clock = std::chrono::steady_clock;

    // Commands, one function each (src/core/session.cpp).
    bool handle(const detail::Command& cmd);
    void on_connect(const detail::Command& cmd);
    void on_subscribe(const detail::Command& cmd);
    void on_unsubscribe(const detail::Command& cmd);
    void on_publish(const detail::Command& cmd);
    void on_history(const detail::Command& cmd);
    void on_presence(const detail::Command& cmd);
    void on_presence_stats(const detail::Command& cmd);

    // Subscription life cycle and delivery.
    void finish_subscribe(const std::shared_ptr<detail::Subscription>& sub,
                          std::uint32_t command_id,
                          bool recover,
                          const StreamPosition& since,
                          std::error_code ec,
                          HistoryResult history);
    void deliver(detail::Subscription& sub,
                 const FramePtr& frame,
                 const PublicationPtr& pub,
                 const StreamPosition& position);
    void leave_all();
    void resync(detail::Subscription& sub, const StreamPosition& top);
    void drop_subscription(detail::Subscription& sub, bool tell_client);

    // Writing to the client.
    void send(const FramePtr& frame);
    void send_text(std::string text);
    void reply_error(std::uint32_t command_id, std::error_code ec);

    // Called four times a second by the hub: pings, pongs, staleness.
    void tick(Clock::time_point now);
    void schedule_check();

    std::shared_ptr<detail::HubCore> core_;
    std::shared_ptr<Connection> connection_;
    const std::string id_;
    std::atomic<State> state_{State::connecting};

    // Recursive: a delivery may find the client too slow and disconnect it,
    // which leaves every channel under the same lock.
    mutable std::recursive_mutex mutex_;
    ClientInfo info_;
    std::map<std::string, std::shared_ptr<detail::Subscription>, std::less<>> subs_;
    Clock::time_point created_;
    Clock::time_point next_ping_;
    Clock::time_point pong_deadline_;
    bool awaiting_pong_ = false;

    // The next ping or pong deadline, readable without the lock, so that
    // the hub's tick over every session mostly takes no lock at all.
    std::atomic<Clock::rep> next_check_{0};
};

} // namespace herald
