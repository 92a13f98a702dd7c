// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "helpers.hpp"

#include <herald/error.hpp>
#include <herald/redis_broker.hpp>

#include "catch.hpp"
#include "scripts.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

using namespace herald;
using namespace herald::test;

namespace {

std::string numbered(int i)
{
    return "{\"n\":" + std::to_string(i) + "}";
}

std::vector<std::uint64_t> offsets(const std::vector<Node::Received>& received)
{
    std::vector<std::uint64_t> out;
    for (const auto& r : received) {
        out.push_back(r.offset);
    }
    return out;
}

std::vector<std::uint64_t> one_to(std::uint64_t n)
{
    std::vector<std::uint64_t> out;
    for (std::uint64_t i = 1; i <= n; ++i) {
        out.push_back(i);
    }
    return out;
}

} // namespace

TEST_CASE("parse_redis_url reads host and port", "[url]")
{
    RedisBrokerOptions o;
    parse_redis_url("redis://10.0.0.7:6380", o);
    CHECK(o.host == "10.0.0.7");
    CHECK(o.port == 6380);

    parse_redis_url("cache.local", o);
    CHECK(o.host == "cache.local");
    CHECK(o.port == 6380);

    parse_redis_url("redis://[::1]:7000/0", o);
    CHECK(o.host == "::1");
    CHECK(o.port == 7000);

    parse_redis_url("redis://:s3cret@10.0.0.8:6381", o);
    CHECK(o.host == "10.0.0.8");
    CHECK(o.password == "s3cret");
    CHECK(o.username.empty());

    parse_redis_url("redis://herald:p%40ss:w@rd@cache.local", o);
    CHECK(o.host == "cache.local");
    CHECK(o.username == "herald");
    CHECK(o.password == "p@ss:w@rd");

    std::error_code ec;
    for (const char* bad : {"redis://", "redis://h:", "redis://h:99999", "redis://u@h:1",
                            "redis://[::1", "redis://:@h", "redis://u:p%4@h", "redis://:p@",
                            "rediss://h:6379", "rediss://:p@h:6379", "unix:///tmp/r.sock",
                            "sentinel://u:p@h:26379"}) {
        INFO(bad);
        parse_redis_url(bad, o, ec);
        CHECK(ec == errc::invalid_options);
    }
    CHECK_THROWS_AS(parse_redis_url("h:x", o), std::system_error);
}

TEST_CASE("bad broker options are refused", "[url]")
{
    RedisBrokerOptions o;
    o.port = 0;
    CHECK_THROWS_AS(RedisBroker(o), std::system_error);
    o = {};
    o.reconnect_max = o.reconnect_min / 2;
    CHECK_THROWS_AS(RedisBroker(o), std::system_error);
}

TEST_CASE("every node sees one channel's publications in one offset order", "[publish]")
{
    RedisServer server;
    Cluster c(server);
    subscribe(c.a, "room");
    subscribe(c.b, "room");

    // Both nodes publish at once, without waiting for each other.
    constexpr int per_node = 200;
    std::vector<std::pair<std::error_code, PublishResult>> results_a(per_node), results_b(per_node);
    std::atomic<int> pending{2 * per_node};
    for (int i = 0; i < per_node; ++i) {
        c.a.publish("room", numbered(i), kept(), [&, i](std::error_code ec, PublishResult r) {
            results_a[i] = {ec, r};
            --pending;
        });
        c.b.publish("room", numbered(per_node + i), kept(),
                    [&, i](std::error_code ec, PublishResult r) {
                        results_b[i] = {ec, r};
                        --pending;
                    });
    }

    auto all_received = [](const Node& n) { return n.received().size() >= 2 * per_node; };
    REQUIRE(c.node_a.wait(all_received));
    REQUIRE(c.node_b.wait(all_received));
    REQUIRE(c.node_a.wait([&](const Node&) { return pending == 0; }));

    auto seen_a = c.node_a.received();
    auto seen_b = c.node_b.received();
    CHECK(offsets(seen_a) == one_to(2 * per_node));
    CHECK(offsets(seen_b) == one_to(2 * per_node));
    for (std::size_t i = 0; i < seen_a.size(); ++i) {
        CHECK(seen_a[i].data == seen_b[i].data);
        CHECK(seen_a[i].epoch == seen_b[i].epoch);
    }

    // Each node's own publications keep their call order, and every
    // result names the offset its publication was delivered with.
    std::set<std::uint64_t> accepted;
    for (int i = 0; i < per_node; ++i) {
        REQUIRE_FALSE(results_a[i].first);
        REQUIRE_FALSE(results_b[i].first);
        CHECK(results_a[i].second.position.epoch == seen_a[0].epoch);
        CHECK(seen_a[results_a[i].second.position.offset - 1].data == numbered(i));
        CHECK(seen_a[results_b[i].second.position.offset - 1].data == numbered(per_node + i));
        if (i > 0) {
            CHECK(results_a[i].second.position.offset > results_a[i - 1].second.position.offset);
        }
        accepted.insert(results_a[i].second.position.offset);
        accepted.insert(results_b[i].second.position.offset);
    }
    CHECK(accepted.size() == 2 * per_node);
}

TEST_CASE("a node holds a Redis subscription only while it has local subscribers",
          "[publish]")
{
    RedisServer server;
    Cluster c(server);
    auto subscribers = [&] {
        return server.command({"PUBSUB", "NUMSUB", "herald:pub:room"});
    };
    CHECK(subscribers() == "herald:pub:room 0");

    subscribe(c.b, "room");
    CHECK(subscribers() == "herald:pub:room 1");

    c.b.unsubscribe("room");
    REQUIRE(c.node_b.wait([&](const Node&) { return subscribers() == "herald:pub:room 0"; }));
    REQUIRE_FALSE(publish(c.a, "room", numbered(1)).first);

    // Quick churn ends subscribed exactly once, whatever order hiredis
    // sees the confirmations in.
    for (int i = 0; i < 10; ++i) {
        c.b.subscribe("room");
        c.b.unsubscribe("room");
    }
    subscribe(c.b, "room");
    CHECK(subscribers() == "herald:pub:room 1");
    REQUIRE_FALSE(publish(c.a, "room", numbered(2)).first);
    REQUIRE(c.node_b.wait([](const Node& n) { return !n.received().empty(); }));
    std::this_thread::sleep_for(100ms);

    auto seen = c.node_b.received();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].offset == 2);
    CHECK(seen[0].data == numbered(2));
}

TEST_CASE("history reads the Redis stream", "[history]")
{
    RedisServer server;
    Cluster c(server);

    // A read creates the stream's epoch; the first publication keeps it.
    auto [ec, empty] = history(c.b, "scores");
    REQUIRE_FALSE(ec);
    CHECK(empty.top.offset == 0);
    CHECK(empty.top.epoch.size() == 8);

    PublishOptions o = kept(5);
    o.info = ClientInfo{"alice", "c1", R"({"n":1})", ""};
    o.tags = {{"kind", "goal"}};
    for (int i = 1; i <= 8; ++i) {
        auto [err, r] = publish(c.a, "scores", numbered(i), o);
        REQUIRE_FALSE(err);
        CHECK(r.position == StreamPosition{static_cast<std::uint64_t>(i), empty.top.epoch});
    }

    HistoryQuery all;
    all.limit = -1;
    auto [e1, kept_five] = history(c.b, "scores", all);
    REQUIRE_FALSE(e1);
    CHECK(kept_five.top == StreamPosition{8, empty.top.epoch});
    REQUIRE(kept_five.publications.size() == 5);
    CHECK(kept_five.publications.front()->offset == 4);
    CHECK(kept_five.publications.back()->data == numbered(8));
    REQUIRE(kept_five.publications.back()->info);
    CHECK(kept_five.publications.back()->info->user == "alice");
    CHECK(kept_five.publications.back()->info->conn_info == R"({"n":1})");
    CHECK(kept_five.publications.back()->tags.at("kind") == "goal");

    HistoryQuery since;
    since.since = StreamPosition{5, empty.top.epoch};
    since.limit = 2;
    auto [e2, after_five] = history(c.b, "scores", since);
    REQUIRE_FALSE(e2);
    REQUIRE(after_five.publications.size() == 2);
    CHECK(after_five.publications[0]->offset == 6);
    CHECK(after_five.publications[1]->offset == 7);

    HistoryQuery newest;
    newest.reverse = true;
    newest.limit = 2;
    newest.since = StreamPosition{8, empty.top.epoch};
    auto [e3, older] = history(c.b, "scores", newest);
    REQUIRE_FALSE(e3);
    REQUIRE(older.publications.size() == 2);
    CHECK(older.publications[0]->offset == 7);
    CHECK(older.publications[1]->offset == 6);

    auto [e4, top] = history(c.b, "scores");
    REQUIRE_FALSE(e4);
    CHECK(top.publications.empty());
    CHECK(top.top.offset == 8);
}

TEST_CASE("a flushed script cache is refilled with EVAL", "[history]")
{
    RedisServer server;
    Cluster c(server);
    REQUIRE_FALSE(publish(c.a, "scores", numbered(1)).first);
    // Node b loads the scripts when it connects: that must be over, or its
    // SCRIPT LOAD could follow the flush.
    REQUIRE_FALSE(history(c.b, "scores").first);

    server.command({"SCRIPT", "FLUSH"});
    CHECK(server.command({"SCRIPT", "EXISTS", redis::publish_script().sha1}) == "0");
    auto [ec, r] = publish(c.a, "scores", numbered(2));
    REQUIRE_FALSE(ec);
    CHECK(r.position.offset == 2);
    CHECK(server.command({"SCRIPT", "EXISTS", redis::publish_script().sha1}) == "1");
}

TEST_CASE("a lost stream starts a new epoch", "[history]")
{
    RedisServer server;
    Cluster c(server);
    auto first = publish(c.a, "scores", numbered(1)).second.position;

    server.command({"DEL", "herald:meta:scores"});
    auto second = publish(c.a, "scores", numbered(2)).second.position;
    CHECK(second.offset == 1);
    CHECK(second.epoch != first.epoch);

    HistoryQuery all;
    all.limit = -1;
    auto [ec, h] = history(c.b, "scores", all);
    REQUIRE_FALSE(ec);
    REQUIRE(h.publications.size() == 1);
    CHECK(h.publications[0]->data == numbered(2));
}

TEST_CASE("a repeated idempotency key returns the first result", "[idempotency]")
{
    RedisServer server;
    Cluster c(server);
    subscribe(c.b, "orders");

    PublishOptions o = kept();
    o.idempotency_key = "order-17";
    auto [e1, first] = publish(c.a, "orders", numbered(1), o);
    auto [e2, again] = publish(c.b, "orders", numbered(1), o);
    REQUIRE_FALSE(e1);
    REQUIRE_FALSE(e2);
    CHECK(again.position == first.position);

    // The key belongs to its channel; another key is another publication.
    auto [e3, elsewhere] = publish(c.a, "other", numbered(1), o);
    o.idempotency_key = "order-18";
    auto [e4, next] = publish(c.a, "orders", numbered(2), o);
    REQUIRE_FALSE(e3);
    REQUIRE_FALSE(e4);
    CHECK(elsewhere.position.offset == 1);
    CHECK(next.position.offset == first.position.offset + 1);

    REQUIRE(c.node_b.wait([](const Node& n) { return n.received().size() >= 2; }));
    std::this_thread::sleep_for(100ms);
    CHECK(offsets(c.node_b.received()) == one_to(2));

    HistoryQuery all;
    all.limit = -1;
    CHECK(history(c.b, "orders", all).second.publications.size() == 2);

    // One key per idempotency key, remembered for the window only.
    auto keys = server.command({"KEYS", "herald:idem:orders:*"});
    REQUIRE(std::count(keys.begin(), keys.end(), ' ') == 1);
    auto ttl = std::stol(server.command({"TTL", keys.substr(0, keys.find(' '))}));
    CHECK(ttl > 0);
    CHECK(ttl <= 300);
}

TEST_CASE("presence spans nodes and expires with its node", "[presence]")
{
    RedisServer server;
    auto o = options_for(server);
    o.presence_ttl = 2s;
    Node node_a;
    Node node_b;
    RedisBroker a(o);
    auto b = std::make_unique<RedisBroker>(o);
    a.start(node_a);
    b->start(node_b);

    a.add_presence("lobby", {"u1", "c1", "", ""});
    b->add_presence("lobby", {"u1", "c2", "", ""});
    b->add_presence("lobby", {"u2", "c3", R"({"x":1})", ""});
    auto stats = [&](Broker& broker) {
        return wait_for<PresenceStats>(
            [&](auto done) { broker.presence_stats("lobby", std::move(done)); });
    };
    REQUIRE(node_a.wait([&](const Node&) { return stats(a).second.num_clients == 3; }));
    CHECK(stats(a).second.num_users == 2);

    auto [ec, everyone] = wait_for<PresenceMap>(
        [&](auto done) { b->presence("lobby", std::move(done)); });
    REQUIRE_FALSE(ec);
    REQUIRE(everyone.size() == 3);
    CHECK(everyone.at("c3").user == "u2");
    CHECK(everyone.at("c3").conn_info == R"({"x":1})");

    b->remove_presence("lobby", "c2");
    REQUIRE(node_a.wait([&](const Node&) { return stats(a).second.num_clients == 2; }));

    // A node that goes away stops refreshing: its clients expire, while
    // the live node keeps its own past the TTL.
    b.reset();
    std::this_thread::sleep_for(3500ms);
    auto [e2, left] = wait_for<PresenceMap>(
        [&](auto done) { a.presence("lobby", std::move(done)); });
    REQUIRE_FALSE(e2);
    REQUIRE(left.size() == 1);
    CHECK(left.count("c1") == 1);
}

TEST_CASE("a malformed PUB/SUB message is dropped and logged, the feed goes on", "[publish]")
{
    RedisServer server;
    Cluster c(server);
    subscribe(c.b, "room");

    CHECK(server.command({"PUBLISH", "herald:pub:room", "not msgpack"}) == "1");
    REQUIRE_FALSE(publish(c.a, "room", numbered(1)).first);
    REQUIRE(c.node_b.wait([](const Node& n) { return n.received().size() == 1; }));
    CHECK(c.node_b.received()[0].data == numbered(1));

    auto logs = c.node_b.logs();
    CHECK(std::any_of(logs.begin(), logs.end(), [](const std::string& line) {
        return line == "dropped a malformed message in channel room";
    }));
}
