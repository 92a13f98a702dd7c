// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// One connection to Redis that keeps itself open: it connects, reconnects
// with backoff when the connection drops, and fails every command it cannot
// carry. Used only on its io_context's thread.

#include <herald/redis_broker.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

struct redisAsyncContext;
struct redisReply;

namespace herald::redis {

class Link {
public:
    /// Gets a command's reply; null when the connection is gone or was
    /// never there. The reply is freed after the call.
    using ReplyHandler = std::function<void(const redisReply*)>;

    /// What the owner hears about the connection.
    struct Events {
        std::function<void()> up;
        /// The connection dropped (`was_up`) or an attempt failed; another
        /// attempt follows after the backoff. `attempt` counts failures
        /// since the last success, from 1.
        std::function<void(const std::string& why, bool was_up, unsigned attempt)> down;
        /// A reply to a SUBSCRIBE or UNSUBSCRIBE, or a PUB/SUB message.
        std::function<void(const redisReply*)> push;
    };

    Link(asio::io_context& io, const RedisBrokerOptions& options, Events events);
    ~Link();

    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    /// Starts connecting, and reconnecting until close().
    void open();

    /// Drops the connection; commands in flight get a null reply.
    void close();

    /// True while connected.
    bool up() const noexcept { return up_; }

    /// True while an attempt to connect is under way: resolving the host,
    /// connecting to one of its addresses, or about to try the next.
    bool connecting() const noexcept { return !up_ && under_way(); }

    /// True when the last attempt failed because Redis refused AUTH.
    bool refused() const noexcept { return refused_; }

    /// Sends `args`. While an attempt to connect is under way the command
    /// waits for it; with no connection at all `handler` gets null at once.
    void command(std::vector<std::string> args, ReplyHandler handler);

    /// Sends SUBSCRIBE or UNSUBSCRIBE; the replies, and the messages that
    /// follow, go to Events::push. False when not connected.
    bool subscription(const std::vector<std::string>& args);

private:
    bool under_way() const noexcept
    {
        return ac_ != nullptr || resolving_ || !addresses_.empty();
    }

    static void on_connect(const redisAsyncContext* ac, int status);
    static void on_disconnect(const redisAsyncContext* ac, int status);
    static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
    static void on_push(redisAsyncContext* ac, void* reply, void* privdata);

    void attempt();
    void resolve();
    void connect_to(const std::string& address);
    void connected();
    void authenticate();
    void ready();
    void failed(const std::string& why, bool was_up);
    void abandon();
    void send(const std::vector<std::string>& args, ReplyHandler handler);
    void arm_watchdog();

    asio::io_context& io_;
    const RedisBrokerOptions& options_;
    Events events_;
    redisAsyncContext* ac_ = nullptr;
    bool open_ = false;
    bool up_ = false;
    bool refused_ = false;
    unsigned failures_ = 0;
    std::chrono::milliseconds delay_;
    // Host names are resolved here, off the loop (asio runs getaddrinfo on
    // a thread of its own), and hiredis gets the addresses one at a time.
    asio::ip::tcp::resolver resolver_;
    std::deque<std::string> addresses_;
    bool resolving_ = false;
    unsigned resolution_ = 0; // a resolution whose number differs is stale
    asio::steady_timer retry_;
    asio::steady_timer deadline_;
    asio::steady_timer watchdog_;
    // Commands sent and not answered yet, and when the last one was
    // answered (or the first one sent).
    std::size_t in_flight_ = 0;
    std::chrono::steady_clock::time_point progress_;
    std::deque<std::pair<std::vector<std::string>, ReplyHandler>> waiting_;
};

} // namespace herald::redis
