// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/broker.hpp>
#include <herald/history.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace herald {

/// The default broker: one node, everything in this process's memory.
/// Callbacks run before the call returns, on the caller's thread. History and
/// offsets live as long as the broker; a new broker starts new epochs.
class MemoryBroker final : public Broker {
public:
    MemoryBroker();
    ~MemoryBroker() override;

    void start(BrokerEventHandler& handler) override;
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

    /// Forgets the stream of `channel`: its next use starts a new epoch at
    /// offset 0, as after a restart. Clients that recover get recovered:false.
    void reset_stream(const std::string& channel);

private:
    struct Stream;
    struct Idempotent;

    std::shared_ptr<Stream> stream_locked(const std::string& channel,
                          std::size_t history_size,
                          std::chrono::seconds history_ttl);

    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<Stream>> streams_;
    std::unordered_map<std::string, PresenceMap> presence_;
    std::unique_ptr<Idempotent> idempotent_;
    BrokerEventHandler* handler_ = nullptr;
};

} // namespace herald
