// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// What the Redis broker tests share: an event handler that records what a
// node receives, and blocking forms of the broker's calls.

#include "redis_server.hpp"

#include <herald/redis_broker.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace herald::test {

using namespace std::chrono_literals;

/// How long a broker call may take before a test fails it: a callback
/// that never comes is a bug.
inline constexpr auto call_timeout = 10s;

/// Records publications, feed restorations and log records of one node.
class Node final : public BrokerEventHandler {
public:
    struct Received {
        std::string channel;
        std::uint64_t offset = 0;
        std::string epoch;
        std::string data;
    };

    Node()
    {
        logger_.set_sink(
            [this](const LogRecord& r) {
                std::lock_guard<std::mutex> lock(mutex_);
                logs_.emplace_back(r.message);
                if (r.level == LogLevel::error) {
                    errors_.emplace_back(r.message);
                }
            },
            LogLevel::debug);
    }

    void on_publication(const std::string& channel,
                        const PublicationPtr& pub,
                        const StreamPosition& position) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.push_back({channel, pub->offset, position.epoch, pub->data});
        changed_.notify_all();
    }

    void on_feed_restored() override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++restored_;
        changed_.notify_all();
    }

    const Logger& logger() const noexcept override { return logger_; }

    std::vector<Received> received() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return received_;
    }

    int restored() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return restored_;
    }

    /// The messages of the error records only.
    std::vector<std::string> errors() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return errors_;
    }

    std::vector<std::string> logs() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return logs_;
    }

    /// Waits until `ready(*this)` holds; false after `timeout`.
    template <class Predicate>
    bool wait(Predicate ready, std::chrono::milliseconds timeout = call_timeout)
    {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (ready(*this)) {
                return true;
            }
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait_for(lock, 20ms);
        }
        return ready(*this);
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Received> received_;
    std::vector<std::string> logs_;
    std::vector<std::string> errors_;
    int restored_ = 0;
    Logger logger_;
};

/// Runs one asynchronous broker call and waits for its callback.
template <class Result, class Start>
std::pair<std::error_code, Result> wait_for(Start start)
{
    auto promise = std::make_shared<std::promise<std::pair<std::error_code, Result>>>();
    auto future = promise->get_future();
    start([promise](std::error_code ec, Result r) { promise->set_value({ec, std::move(r)}); });
    if (future.wait_for(call_timeout) != std::future_status::ready) {
        throw std::runtime_error("a broker callback never came");
    }
    return future.get();
}

inline PublishOptions kept(std::size_t size = 100)
{
    PublishOptions o;
    o.history_size = size;
    o.history_ttl = 60s;
    return o;
}

inline std::pair<std::error_code, PublishResult> publish(Broker& broker,
                                                         const std::string& channel,
                                                         std::string data,
                                                         PublishOptions o = kept())
{
    return wait_for<PublishResult>([&](auto done) {
        broker.publish(channel, std::move(data), std::move(o), std::move(done));
    });
}

inline std::pair<std::error_code, HistoryResult> history(Broker& broker,
                                                         const std::string& channel,
                                                         HistoryQuery q = {})
{
    if (q.history_ttl.count() == 0) {
        q.history_size = 100;
        q.history_ttl = 60s;
    }
    return wait_for<HistoryResult>(
        [&](auto done) { broker.history(channel, std::move(q), std::move(done)); });
}

/// Subscribes and waits until Redis confirmed it: the broker holds a
/// history read of a channel until its subscription is in place.
inline void subscribe(Broker& broker, const std::string& channel)
{
    broker.subscribe(channel);
    if (history(broker, channel).first) {
        throw std::runtime_error("subscribe: history read failed");
    }
}

inline RedisBrokerOptions options_for(const RedisServer& server)
{
    RedisBrokerOptions o;
    o.port = server.port();
    o.reconnect_max = 200ms;
    return o;
}

/// Two nodes on one Redis, both started.
struct Cluster {
    explicit Cluster(const RedisServer& server) : a(options_for(server)), b(options_for(server))
    {
        a.start(node_a);
        b.start(node_b);
    }

    Node node_a;
    Node node_b;
    RedisBroker a;
    RedisBroker b;
};

} // namespace herald::test
