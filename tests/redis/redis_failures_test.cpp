// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "helpers.hpp"

#include <herald/error.hpp>
#include <herald/redis_broker.hpp>

#include "catch.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

using namespace herald;
using namespace herald::test;

namespace {

// One broker, started, and the node that hears from it.
struct Started {
    explicit Started(const RedisBrokerOptions& o) : broker(o) { broker.start(node); }

    Node node;
    RedisBroker broker;
};

bool logged(const Node& node, std::string_view text)
{
    auto logs = node.logs();
    return std::any_of(logs.begin(), logs.end(), [&](const std::string& line) {
        return line.find(text) != std::string::npos;
    });
}

// Publishes one publication after another from its own thread until told
// to stop, and records what every publish returned.
class Publisher {
public:
    Publisher(Broker& broker, std::string channel)
        : thread_([this, &broker, channel] { run(broker, channel); })
    {
    }

    ~Publisher() { finish(); }

    void finish()
    {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    /// Accepted positions, in the order the publishes were made.
    std::vector<StreamPosition> accepted() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return accepted_;
    }

    std::vector<std::error_code> errors() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return errors_;
    }

private:
    void run(Broker& broker, const std::string& channel)
    {
        for (int i = 0; !stop_; ++i) {
            auto [ec, r] = publish(broker, channel, "{\"n\":" + std::to_string(i) + "}");
            std::lock_guard<std::mutex> lock(mutex_);
            if (ec) {
                errors_.push_back(ec);
            } else {
                accepted_.push_back(r.position);
            }
            std::this_thread::sleep_for(2ms);
        }
    }

    mutable std::mutex mutex_;
    std::vector<StreamPosition> accepted_;
    std::vector<std::error_code> errors_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::size_t accepted_count(const Publisher& p)
{
    return p.accepted().size();
}

} // namespace

TEST_CASE("calls fail with broker_unavailable while Redis cannot be reached", "[failures]")
{
    std::uint16_t closed_port = 0;
    {
        RedisServer server; // only to find a port nobody listens on now
        closed_port = server.port();
    }
    RedisBrokerOptions o;
    o.port = closed_port;
    o.reconnect_max = 100ms;
    Node node;
    RedisBroker broker(o);
    broker.start(node);

    auto [e1, r1] = publish(broker, "room", "{}");
    CHECK(e1 == errc::broker_unavailable);
    CHECK(is_temporary(e1));
    CHECK(protocol_code(e1) == 100);
    CHECK(history(broker, "room").first == errc::broker_unavailable);
    auto [e3, p] = wait_for<PresenceMap>(
        [&](auto done) { broker.presence("room", std::move(done)); });
    CHECK(e3 == errc::broker_unavailable);
    CHECK(node.wait([](const Node& n) { return logged(n, "connection to redis"); }));

    broker.stop();
    CHECK(publish(broker, "room", "{}").first == errc::broker_unavailable);
}

TEST_CASE("a Redis that stops answering fails calls after command_timeout", "[failures]")
{
    RedisServer server;
    auto o = options_for(server);
    o.command_timeout = 300ms;
    Node node;
    RedisBroker broker(o);
    broker.start(node);
    REQUIRE_FALSE(publish(broker, "room", "{}").first);

    server.pause();
    auto started = std::chrono::steady_clock::now();
    auto [ec, r] = publish(broker, "room", "{}");
    auto waited = std::chrono::steady_clock::now() - started;
    CHECK(ec == errc::broker_unavailable);
    CHECK(waited >= 300ms);
    CHECK(waited < 3s);
    CHECK(node.wait([](const Node& n) { return logged(n, "no reply within 300 ms"); }));

    server.resume();
    REQUIRE(node.wait([&](const Node&) { return !publish(broker, "room", "{}").first; }));
}

TEST_CASE("a lost PUB/SUB connection is restored and reported", "[failures]")
{
    RedisServer server;
    Cluster c(server);
    auto& [node_a, node_b, a, b] = c;
    subscribe(b, "room");
    REQUIRE_FALSE(publish(a, "room", "{\"n\":1}").first);
    REQUIRE(node_b.wait([](const Node& n) { return n.received().size() == 1; }));

    server.command({"CLIENT", "KILL", "TYPE", "pubsub"});
    REQUIRE(node_b.wait([](const Node& n) { return n.restored() == 1; }));
    CHECK(logged(node_b, "feed connection to redis"));

    // A read after the restoration waits for the new subscription, as the
    // hub's check does; what is published after it arrives live.
    auto [ec, top] = history(b, "room");
    REQUIRE_FALSE(ec);
    auto [e2, next] = publish(a, "room", "{\"n\":2}");
    REQUIRE_FALSE(e2);
    CHECK(next.position.offset == top.top.offset + 1);
    REQUIRE(node_b.wait([&](const Node& n) {
        return !n.received().empty() && n.received().back().offset == next.position.offset;
    }));
    // Node a listens on nothing but the control channel; its feed was a
    // PUB/SUB connection too, killed and restored.
    CHECK(node_a.wait([](const Node& n) { return n.restored() == 1; }));
}

TEST_CASE("Redis restarted mid-stream: publishes fail while it is down, none is lost",
          "[failures]")
{
    RedisServer server;
    Cluster c(server);
    auto& [node_a, node_b, a, b] = c;
    subscribe(b, "room");

    Publisher publisher(a, "room");
    REQUIRE(node_a.wait([&](const Node&) { return accepted_count(publisher) >= 50; }));
    server.stop();
    REQUIRE(node_a.wait([&](const Node&) { return !publisher.errors().empty(); }));
    std::this_thread::sleep_for(300ms);
    std::size_t before = accepted_count(publisher);
    server.start();

    REQUIRE(node_b.wait([](const Node& n) { return n.restored() >= 1; }));
    REQUIRE(node_a.wait([&](const Node&) { return accepted_count(publisher) >= before + 50; }));
    publisher.finish();

    for (auto ec : publisher.errors()) {
        CHECK(ec == errc::broker_unavailable);
    }

    // Redis kept nothing (no persistence): the stream came back in a new
    // epoch, from offset 1.
    auto accepted = publisher.accepted();
    std::map<std::string, std::vector<std::uint64_t>> by_epoch;
    for (const auto& p : accepted) {
        by_epoch[p.epoch].push_back(p.offset);
    }
    REQUIRE(by_epoch.size() == 2);
    const std::string old_epoch = accepted.front().epoch;
    const std::string new_epoch = accepted.back().epoch;

    // Accepted publications of each epoch have consecutive offsets from 1.
    for (const auto& [epoch, list] : by_epoch) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            CHECK(list[i] == i + 1);
        }
    }

    // What the other node received live: in order, no duplicates, and in
    // the old epoch everything accepted before Redis went down.
    std::map<std::string, std::vector<std::uint64_t>> received;
    for (const auto& r : node_b.received()) {
        received[r.epoch].push_back(r.offset);
    }
    CHECK(received[old_epoch] == by_epoch[old_epoch]);
    const auto& fresh = received[new_epoch];
    CHECK(std::is_sorted(fresh.begin(), fresh.end()));
    CHECK(std::adjacent_find(fresh.begin(), fresh.end()) == fresh.end());
    REQUIRE(node_b.wait([&](const Node& n) {
        return !n.received().empty() && n.received().back().offset == by_epoch[new_epoch].back();
    }));

    // Whatever the node missed before its feed came back is in the stream,
    // which is where the hub sends lagging subscribers after
    // on_feed_restored().
    HistoryQuery all;
    all.limit = -1;
    auto [ec, stream] = history(b, "room", all);
    REQUIRE_FALSE(ec);
    CHECK(stream.top.epoch == new_epoch);
    REQUIRE(stream.publications.size() == by_epoch[new_epoch].size());
    CHECK(logged(node_a, "lost"));
}

TEST_CASE("a host name is resolved off the broker's loop, then connected", "[url]")
{
    RedisServer server;
    RedisBrokerOptions o = options_for(server);
    parse_redis_url("redis://localhost:" + std::to_string(server.port()), o);
    REQUIRE(o.host == "localhost");
    Started started(o);
    Node& node = started.node;
    RedisBroker& broker = started.broker;

    // Sent while the name is being resolved: it waits for the connection.
    auto [ec, first] = publish(broker, "room", "{}");
    REQUIRE_FALSE(ec);
    CHECK(first.position.offset == 1);

    // The feed connection resolves the name too.
    subscribe(broker, "room");
    REQUIRE_FALSE(publish(broker, "room", "{}").first);
    CHECK(node.wait([](const Node& n) { return n.received().size() == 1; }));
}

TEST_CASE("a host name that does not resolve fails the calls and is logged", "[url]")
{
    RedisServer server;
    RedisBrokerOptions o = options_for(server);
    o.host = "no-such-host.invalid";
    Started started(o);
    Node& node = started.node;
    RedisBroker& broker = started.broker;

    CHECK(node.wait([](const Node& n) { return logged(n, "cannot resolve no-such-host"); }));
    CHECK(publish(broker, "room", "{}").first == errc::broker_unavailable);
}

TEST_CASE("a password is sent with AUTH at every connection", "[auth]")
{
    RedisServer server("s3cret");
    RedisBrokerOptions o = options_for(server);
    parse_redis_url("redis://:s3cret@127.0.0.1:" + std::to_string(server.port()), o);
    Started started(o);
    Node& node = started.node;
    RedisBroker& broker = started.broker;

    REQUIRE_FALSE(publish(broker, "room", "{}").first);
    subscribe(broker, "room");

    // Both connections come back, and authenticate again.
    server.command({"CLIENT", "KILL", "TYPE", "normal"});
    server.command({"CLIENT", "KILL", "TYPE", "pubsub"});
    REQUIRE(node.wait([&](const Node&) { return !publish(broker, "room", "{}").first; }));
    REQUIRE(node.wait([](const Node& n) { return n.restored() == 1; }));
    REQUIRE_FALSE(history(broker, "room").first);
    auto [ec, last] = publish(broker, "room", "{}");
    REQUIRE_FALSE(ec);
    CHECK(node.wait([&](const Node& n) {
        return !n.received().empty() && n.received().back().offset == last.position.offset;
    }));
}

TEST_CASE("a Redis 6 ACL user authenticates with its name and password", "[auth]")
{
    RedisServer server("admin-pass");
    server.command({"ACL", "SETUSER", "herald", "on", ">herald-pass", "~*", "&*", "+@all"});
    RedisBrokerOptions o = options_for(server);
    parse_redis_url("redis://herald:herald-pass@127.0.0.1:" + std::to_string(server.port()), o);
    Started started(o);
    Node& node = started.node;
    RedisBroker& broker = started.broker;

    subscribe(broker, "room");
    REQUIRE_FALSE(publish(broker, "room", "{}").first);
    CHECK(node.wait([](const Node& n) { return n.received().size() == 1; }));
    CHECK(server.command({"CLIENT", "LIST"}).find("user=herald") != std::string::npos);
}

TEST_CASE("a wrong password is logged and calls fail with broker_unavailable", "[auth]")
{
    RedisServer server("s3cret");
    RedisBrokerOptions o = options_for(server);
    o.password = "wrong";
    Started started(o);
    Node& node = started.node;
    RedisBroker& broker = started.broker;

    CHECK(node.wait([](const Node& n) { return logged(n, "AUTH refused"); }));
    auto errors = node.errors();
    CHECK(std::any_of(errors.begin(), errors.end(), [](const std::string& e) {
        return e.find("AUTH refused") != std::string::npos;
    }));
    CHECK(publish(broker, "room", "{}").first == errc::broker_unavailable);
    CHECK(history(broker, "room").first == errc::broker_unavailable);
}

TEST_CASE("a username without a password is refused", "[auth]")
{
    RedisBrokerOptions o;
    o.username = "herald";
    CHECK_THROWS_AS(RedisBroker(o), std::system_error);
}
