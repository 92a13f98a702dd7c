// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/memory_broker.hpp>

#include "catch.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace herald;
using namespace std::chrono_literals;

namespace {

struct Recorder final : BrokerEventHandler {
    void on_publication(const std::string& channel,
                        const PublicationPtr& pub,
                        const StreamPosition& position) override
    {
        seen.push_back({channel, pub->offset, pub->data, position.epoch});
    }

    struct Seen {
        std::string channel;
        std::uint64_t offset;
        std::string data;
        std::string epoch;
    };
    std::vector<Seen> seen;
};

PublishOptions kept(std::size_t size = 10)
{
    PublishOptions o;
    o.history_size = size;
    o.history_ttl = 60s;
    return o;
}

PublishResult publish(MemoryBroker& b, const std::string& ch, std::string data,
                      PublishOptions o = kept())
{
    PublishResult out;
    std::error_code err;
    b.publish(ch, std::move(data), std::move(o), [&](std::error_code ec, PublishResult r) {
        err = ec;
        out = r;
    });
    REQUIRE_FALSE(err);
    return out;
}

HistoryResult history(MemoryBroker& b, const std::string& ch, HistoryQuery q)
{
    q.history_size = 10;
    q.history_ttl = 60s;
    HistoryResult out;
    b.history(ch, q, [&](std::error_code ec, HistoryResult r) {
        REQUIRE_FALSE(ec);
        out = std::move(r);
    });
    return out;
}

} // namespace

TEST_CASE("publish assigns offsets per channel and delivers in order", "[broker]")
{
    MemoryBroker broker;
    Recorder rec;
    broker.start(rec);

    auto a1 = publish(broker, "a", "1");
    auto a2 = publish(broker, "a", "2");
    auto b1 = publish(broker, "b", "1");

    CHECK(a1.position.offset == 1);
    CHECK(a2.position.offset == 2);
    CHECK(b1.position.offset == 1);
    CHECK(a1.position.epoch == a2.position.epoch);
    CHECK(a1.position.epoch != b1.position.epoch);
    REQUIRE(rec.seen.size() == 3);
    CHECK(rec.seen[1].channel == "a");
    CHECK(rec.seen[1].offset == 2);
    CHECK(rec.seen[1].data == "2");
}

TEST_CASE("history reads since a position, the newest, or only the top", "[broker]")
{
    MemoryBroker broker;
    for (int i = 1; i <= 5; ++i) {
        publish(broker, "c", std::to_string(i));
    }

    HistoryQuery top;
    auto t = history(broker, "c", top);
    CHECK(t.publications.empty());
    CHECK(t.top.offset == 5);

    HistoryQuery since;
    since.since = StreamPosition{3, t.top.epoch};
    since.limit = -1;
    auto s = history(broker, "c", since);
    REQUIRE(s.publications.size() == 2);
    CHECK(s.publications[0]->offset == 4);
    CHECK(s.publications[1]->offset == 5);

    HistoryQuery latest;
    latest.limit = 2;
    latest.reverse = true;
    auto l = history(broker, "c", latest);
    REQUIRE(l.publications.size() == 2);
    CHECK(l.publications[0]->offset == 5);
    CHECK(l.publications[1]->offset == 4);
}

TEST_CASE("reading a fresh channel fixes its epoch for later publications", "[broker]")
{
    MemoryBroker broker;
    auto before = history(broker, "fresh", {});
    auto pub = publish(broker, "fresh", "1");
    CHECK(before.top.offset == 0);
    CHECK_FALSE(before.top.epoch.empty());
    CHECK(pub.position.epoch == before.top.epoch);
}

TEST_CASE("reset_stream starts a new epoch at offset 0", "[broker]")
{
    MemoryBroker broker;
    auto old = publish(broker, "r", "1");
    broker.reset_stream("r");
    auto fresh = publish(broker, "r", "2");
    CHECK(fresh.position.offset == 1);
    CHECK(fresh.position.epoch != old.position.epoch);
}

TEST_CASE("an idempotency key returns the first result and delivers once", "[broker]")
{
    MemoryBroker broker;
    Recorder rec;
    broker.start(rec);

    auto o = kept();
    o.idempotency_key = "k1";
    auto first = publish(broker, "i", "1", o);
    auto again = publish(broker, "i", "1", o);
    o.idempotency_key = "k2";
    auto other = publish(broker, "i", "2", o);

    CHECK(first.position == again.position);
    CHECK(other.position.offset == 2);
    CHECK(rec.seen.size() == 2);
}

TEST_CASE("presence counts clients and distinct users", "[broker]")
{
    MemoryBroker broker;
    broker.add_presence("p", ClientInfo{"alice", "c1", "", ""});
    broker.add_presence("p", ClientInfo{"alice", "c2", "", ""});
    broker.add_presence("p", ClientInfo{"bob", "c3", "", ""});

    PresenceStats stats;
    broker.presence_stats("p", [&](std::error_code, PresenceStats s) { stats = s; });
    CHECK(stats.num_clients == 3);
    CHECK(stats.num_users == 2);

    broker.remove_presence("p", "c1");
    PresenceMap map;
    broker.presence("p", [&](std::error_code, PresenceMap m) { map = std::move(m); });
    CHECK(map.size() == 2);
    CHECK(map.count("c2") == 1);
    CHECK(map.at("c3").user == "bob");
}
