// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// A broker that passes every call to a MemoryBroker, for test doubles that
// change one or two calls and keep the rest real.

#include <herald/broker.hpp>
#include <herald/memory_broker.hpp>

namespace herald::test {

class ForwardingBroker : public Broker {
public:
    void start(BrokerEventHandler& h) override
    {
        handler = &h;
        inner.start(h);
    }
    void stop() override { inner.stop(); }
    void publish(const std::string& c, std::string d, PublishOptions o,
                 PublishCallback done) override
    {
        inner.publish(c, std::move(d), std::move(o), std::move(done));
    }
    void subscribe(const std::string& c) override { inner.subscribe(c); }
    void unsubscribe(const std::string& c) override { inner.unsubscribe(c); }
    void history(const std::string& c, HistoryQuery q, HistoryCallback done) override
    {
        inner.history(c, std::move(q), std::move(done));
    }
    void add_presence(const std::string& c, ClientInfo i) override { inner.add_presence(c, i); }
    void remove_presence(const std::string& c, const std::string& id) override
    {
        inner.remove_presence(c, id);
    }
    void presence(const std::string& c, PresenceCallback done) override
    {
        inner.presence(c, std::move(done));
    }
    void presence_stats(const std::string& c, StatsCallback done) override
    {
        inner.presence_stats(c, std::move(done));
    }

    MemoryBroker inner;
    /// The hub that started this broker.
    BrokerEventHandler* handler = nullptr;
};

} // namespace herald::test
