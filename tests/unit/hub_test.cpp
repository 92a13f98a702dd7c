// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/hub.hpp>
#include <herald/memory_broker.hpp>
#include <herald/session.hpp>

#include "catch.hpp"
#include "fake_connection.hpp"
#include "forwarding_broker.hpp"
#include "test_client.hpp"
#include "warning_log.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace herald;
using namespace std::chrono_literals;
using herald::test::FakeConnection;
using nlohmann::json;

namespace {

HubOptions test_options()
{
    HubOptions o;
    ChannelOptions rec;
    rec.history_size = 100;
    rec.history_ttl = 300s;
    rec.recovery = true;
    rec.presence = true;
    rec.allow_history = true;
    o.namespaces["rec"] = rec;

    ChannelOptions pub = rec;
    pub.allow_publish = true;
    o.namespaces["pub"] = pub;

    ChannelOptions noanon;
    noanon.allow_anonymous = false;
    o.namespaces["noanon"] = noanon;
    return o;
}

using Client = herald::test::TestClient;
using herald::test::range;
using herald::test::wait_until;
using herald::test::WarningLog;
using Clients = std::vector<std::unique_ptr<Client>>;

// `count` connected clients of `hub`, each subscribed to `channel`.
Clients subscribed(Hub& hub, int count, const std::string& channel)
{
    Clients out;
    for (int i = 0; i < count; ++i) {
        out.push_back(std::make_unique<Client>(hub));
        out.back()->connect();
        out.back()->subscribe(channel, 2);
    }
    return out;
}

// A broker whose history reads wait until the test releases them, so a test
// can publish between a subscriber joining the fan-out and its read.
class HeldHistoryBroker final : public herald::test::ForwardingBroker {
public:
    void history(const std::string& c, HistoryQuery q, HistoryCallback done) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        held_.push_back([this, c, q, done] { inner.history(c, q, done); });
    }

    void release()
    {
        std::vector<std::function<void()>> held;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            held.swap(held_);
        }
        for (auto& read : held) {
            read();
        }
    }

private:
    std::mutex mutex_;
    std::vector<std::function<void()>> held_;
};

} // namespace

TEST_CASE("connect replies with the client id and the ping interval", "[hub]")
{
    Hub hub(test_options());
    Client c(hub);
    auto r = c.connect();
    CHECK(r["connect"]["client"] == c.session->id());
    CHECK(r["connect"]["ping"] == 25);
    CHECK(r["connect"]["pong"] == true);
    CHECK(c.session->connected());
}

TEST_CASE("anything before connect, or a second connect, is a bad request", "[hub]")
{
    Hub hub(test_options());
    Client early(hub);
    early.send(R"({"subscribe":{"channel":"rec:a"},"id":1})");
    CHECK(early.conn->close_code() == 3501);

    Client twice(hub);
    twice.connect();
    twice.send(R"({"connect":{},"id":2})");
    CHECK(twice.conn->close_code() == 3501);

    Client garbage(hub);
    garbage.send("not json");
    CHECK(garbage.conn->close_code() == 3501);
}

TEST_CASE("a publication is encoded once and shared by every subscriber", "[hub]")
{
    Hub hub(test_options());
    Client a(hub), b(hub), c(hub);
    for (Client* x : {&a, &b, &c}) {
        x->connect();
        auto r = x->subscribe("rec:m", 2);
        CHECK(r["subscribe"]["recoverable"] == true);
        x->conn->clear();
    }

    auto res = hub.publish("rec:m", R"({"goal":1})");
    CHECK(res.position.offset == 1);
    for (Client* x : {&a, &b, &c}) {
        REQUIRE(x->wait_for_publications("rec:m", 1));
    }

    auto fa = a.conn->frames();
    auto fb = b.conn->frames();
    REQUIRE(fa.size() == 1);
    REQUIRE(fb.size() == 1);
    CHECK(fa[0].get() == fb[0].get());
    CHECK(c.pub_offsets("rec:m") == std::vector<std::uint64_t>{1});
}

TEST_CASE("subscribers leaving in any order: a publication reaches those left", "[hub]")
{
    Hub hub(test_options());
    Clients clients = subscribed(hub, 6, "rec:m");

    // One unsubscribes and one goes away, each between publications: the
    // list then changes in place, and the hole is filled from its end.
    clients[1]->send(R"({"unsubscribe":{"channel":"rec:m"},"id":3})");
    hub.publish("rec:m", R"({"n":1})");
    REQUIRE(clients[4]->wait_for_publications("rec:m", 1));
    clients[4]->session->closed();
    hub.publish("rec:m", R"({"n":2})");
    for (int i : {0, 2, 3, 5}) {
        REQUIRE(clients[i]->wait_for_publications("rec:m", 2));
    }

    const std::vector<std::uint64_t> both{1, 2};
    CHECK(clients[0]->pub_offsets("rec:m") == both);
    CHECK(clients[1]->pub_offsets("rec:m").empty());
    CHECK(clients[2]->pub_offsets("rec:m") == both);
    CHECK(clients[3]->pub_offsets("rec:m") == both);
    CHECK(clients[4]->pub_offsets("rec:m") == std::vector<std::uint64_t>{1});
    CHECK(clients[5]->pub_offsets("rec:m") == both);
    REQUIRE(hub.channels().size() == 1);
    CHECK(hub.channels()[0].num_clients == 4);
}

TEST_CASE("fan-out lanes keep every session's publications in order", "[hub][fanout]")
{
    auto options = test_options();
    options.fanout_threads = 4;
    Hub hub(options);
    Clients clients = subscribed(hub, 12, "rec:o");
    for (const auto& c : clients) {
        c->conn->clear();
    }

    // Two publishers: the broker orders their publications, and a
    // recovering subscriber that saw an offset skipped would be dropped.
    constexpr std::uint64_t count = 400;
    auto publish_half = [&hub] {
        for (std::uint64_t i = 0; i < count / 2; ++i) {
            hub.publish("rec:o", R"({"n":1})");
        }
    };
    std::thread other(publish_half);
    publish_half();
    other.join();

    std::set<std::thread::id> lanes;
    for (const auto& c : clients) {
        REQUIRE(c->wait_for_publications("rec:o", count));
        CHECK(c->pub_offsets("rec:o") == range(1, count));
        CHECK_FALSE(c->told_unsubscribe("rec:o", 2500));
        CHECK(c->session->channels().size() == 1);

        // One lane serves a session, and the sessions take turns.
        auto senders = c->conn->senders();
        CHECK(senders.size() == 1);
        lanes.insert(senders.begin(), senders.end());
    }
    CHECK(lanes.size() == 4);
}

TEST_CASE("a returning client recovers exactly what it missed", "[hub][recovery]")
{
    Hub hub(test_options());
    Client first(hub);
    first.connect();
    auto r = first.subscribe("rec:r", 2);
    std::string epoch = r["subscribe"]["epoch"];
    for (int i = 0; i < 3; ++i) {
        hub.publish("rec:r", "{}");
    }
    REQUIRE(first.wait_for_publications("rec:r", 3));
    CHECK(first.pub_offsets("rec:r") == range(1, 3));
    first.session->closed();

    for (int i = 0; i < 5; ++i) {
        hub.publish("rec:r", "{}");
    }

    Client back(hub);
    back.connect();
    auto s = back.subscribe("rec:r", 2, R"(,"recover":true,"offset":3,"epoch":")" + epoch + "\"");
    auto sub = s["subscribe"];
    CHECK(sub["recovered"] == true);
    CHECK(sub["was_recovering"] == true);
    CHECK(sub["offset"] == 3);
    CHECK(sub["epoch"] == epoch);
    std::vector<std::uint64_t> got;
    for (const auto& p : sub["publications"]) {
        got.push_back(p["offset"]);
    }
    CHECK(got == range(4, 8));

    hub.publish("rec:r", "{}");
    REQUIRE(back.wait_for_publications("rec:r", 1));
    CHECK(back.pub_offsets("rec:r") == std::vector<std::uint64_t>{9});
}

TEST_CASE("recovery with nothing missed is recovered and empty", "[hub][recovery]")
{
    Hub hub(test_options());
    hub.publish("rec:n", "{}");
    Client c(hub);
    c.connect();
    auto e = c.subscribe("rec:n", 2)["subscribe"];
    Client again(hub);
    again.connect();
    auto s = again.subscribe("rec:n", 2, R"(,"recover":true,"offset":1,"epoch":")" +
                                             e["epoch"].get<std::string>() + "\"")["subscribe"];
    CHECK(s["recovered"] == true);
    CHECK_FALSE(s.contains("publications"));
}

TEST_CASE("a lost epoch is reported as not recovered, never replayed", "[hub][recovery]")
{
    auto broker = std::make_shared<MemoryBroker>();
    Hub hub(test_options(), broker);
    hub.publish("rec:e", "{}");
    Client c(hub);
    c.connect();
    std::string old_epoch = c.subscribe("rec:e", 2)["subscribe"]["epoch"];

    broker->reset_stream("rec:e");
    hub.publish("rec:e", "{}");
    hub.publish("rec:e", "{}");

    Client back(hub);
    back.connect();
    auto s = back.subscribe("rec:e", 2, R"(,"recover":true,"offset":1,"epoch":")" + old_epoch +
                                            "\"")["subscribe"];
    CHECK_FALSE(s.contains("recovered"));
    CHECK(s["was_recovering"] == true);
    CHECK(s["offset"] == 2);
    CHECK(s["epoch"] != old_epoch);
    CHECK_FALSE(s.contains("publications"));
}

TEST_CASE("more missed than the recovery limit is not a partial replay", "[hub][recovery]")
{
    auto options = test_options();
    options.recovery_max_publications = 5;
    Hub hub(options);
    std::string epoch = hub.publish("rec:l", "{}").position.epoch;
    for (int i = 0; i < 10; ++i) {
        hub.publish("rec:l", "{}");
    }

    Client c(hub);
    c.connect();
    auto s = c.subscribe("rec:l", 2, R"(,"recover":true,"offset":1,"epoch":")" + epoch +
                                         "\"")["subscribe"];
    CHECK_FALSE(s.contains("recovered"));
    CHECK_FALSE(s.contains("publications"));
    CHECK(s["offset"] == 11);
}

TEST_CASE("publications during the history read: no duplicate, no gap", "[hub][recovery]")
{
    auto broker = std::make_shared<HeldHistoryBroker>();
    Hub hub(test_options(), broker);
    auto first = hub.publish("rec:g", "{}");

    Client c(hub);
    c.connect();
    c.send(R"({"subscribe":{"channel":"rec:g","recover":true,"offset":1,"epoch":")" +
           first.position.epoch + R"("},"id":2})");

    // Joined the fan-out, read still pending: these land in both the read
    // and the live buffer.
    hub.publish("rec:g", "{}");
    hub.publish("rec:g", "{}");
    CHECK(c.conn->messages().size() == 1); // only the connect reply so far

    broker->release();
    hub.publish("rec:g", "{}");
    REQUIRE(wait_until([&] {
        auto offsets = c.pub_offsets("rec:g");
        return !offsets.empty() && offsets.back() == 4;
    }));

    auto sub = c.reply(2)["subscribe"];
    CHECK(sub["recovered"] == true);
    std::vector<std::uint64_t> seen;
    for (const auto& p : sub["publications"]) {
        seen.push_back(p["offset"]);
    }
    for (auto o : c.pub_offsets("rec:g")) {
        seen.push_back(o);
    }
    CHECK(seen == range(2, 4));

    // The reply precedes every push of the channel.
    auto msgs = c.conn->messages();
    REQUIRE(msgs.size() >= 2);
    CHECK(msgs[1].value("id", 0) == 2);
}

TEST_CASE("subscribe errors carry the protocol's codes", "[hub]")
{
    auto options = test_options();
    options.client_channel_limit = 2;
    options.channel_max_length = 20;
    Hub hub(options);
    Client c(hub);
    c.connect();

    CHECK(c.subscribe("nope:x", 2)["error"]["code"] == 102);
    CHECK(c.subscribe("noanon:x", 3)["error"]["code"] == 103);
    CHECK(c.subscribe("rec:a", 4).contains("subscribe"));
    CHECK(c.subscribe("rec:a", 5)["error"]["code"] == 105);
    CHECK(c.subscribe("rec:b", 6).contains("subscribe"));
    CHECK(c.subscribe("rec:c", 7)["error"]["code"] == 106);
    CHECK(c.subscribe(std::string(30, 'x'), 8)["error"]["code"] == 107);
    CHECK_FALSE(c.conn->close_code());
}

TEST_CASE("client publish, history and presence follow the namespace", "[hub]")
{
    Hub hub(test_options());
    Client c(hub);
    c.connect();
    c.subscribe("pub:p", 2);

    c.send(R"({"publish":{"channel":"rec:p","data":{"a":1}},"id":3})");
    CHECK(c.reply(3)["error"]["code"] == 103);

    c.send(R"({"publish":{"channel":"pub:p","data":{"a":1}},"id":4})");
    CHECK(c.reply(4).contains("publish"));
    REQUIRE(c.wait_for_publications("pub:p", 1));
    CHECK(c.pub_offsets("pub:p") == std::vector<std::uint64_t>{1});

    c.send(R"({"history":{"channel":"pub:p","limit":10},"id":5})");
    auto h = c.reply(5)["history"];
    REQUIRE(h["publications"].size() == 1);
    CHECK(h["publications"][0]["data"]["a"] == 1);
    CHECK(h["publications"][0]["info"]["client"] == c.session->id());

    c.send(R"({"history":{"channel":"lobby","limit":10},"id":6})");
    CHECK(c.reply(6)["error"]["code"] == 103);

    c.send(R"({"presence":{"channel":"pub:p"},"id":7})");
    CHECK(c.reply(7)["presence"]["presence"].contains(c.session->id()));
    c.send(R"({"presence_stats":{"channel":"pub:p"},"id":8})");
    CHECK(c.reply(8)["presence_stats"]["num_clients"] == 1);

    c.send(R"({"unsubscribe":{"channel":"pub:p"},"id":9})");
    CHECK(c.reply(9).contains("unsubscribe"));
    CHECK(hub.presence_stats("pub:p").num_clients == 0);
}

TEST_CASE("in-process API: publish validation, history, channels, info", "[hub]")
{
    Hub hub(test_options());
    std::error_code ec;
    hub.publish("nope:x", "{}", ec);
    CHECK(ec == errc::unknown_channel);
    hub.publish("rec:x", "{not json", ec);
    CHECK(ec == errc::bad_request);
    CHECK_THROWS_AS(hub.publish("", "{}"), std::system_error);
    hub.history("lobby", {}, ec);
    CHECK(ec == errc::not_available);

    auto p = hub.publish("rec:x", "{\n\"multi\": \"line\"\n}");
    HistoryQuery q;
    q.limit = -1;
    auto h = hub.history("rec:x", q);
    REQUIRE(h.publications.size() == 1);
    CHECK(h.publications[0]->data.find('\n') == std::string::npos);
    CHECK(h.top == p.position);

    q.since = StreamPosition{0, "wrong"};
    hub.history("rec:x", q, ec);
    CHECK(ec == errc::unrecoverable_position);

    Client c(hub);
    c.connect();
    c.subscribe("rec:x", 2);
    auto channels = hub.channels();
    REQUIRE(channels.size() == 1);
    CHECK(channels[0].name == "rec:x");
    CHECK(channels[0].num_clients == 1);
    auto info = hub.info();
    CHECK(info.num_clients == 1);
    CHECK(info.num_channels == 1);
    CHECK_FALSE(info.uid.empty());
}

TEST_CASE("a client that stops reading is disconnected as slow", "[hub]")
{
    auto options = test_options();
    options.client_queue_max_bytes = 2000;
    Hub hub(options);
    Client slow(hub), fine(hub);
    for (Client* x : {&slow, &fine}) {
        x->connect();
        x->subscribe("rec:s", 2);
    }
    slow.conn->set_stalled(true);

    std::string payload = "\"" + std::string(500, 'x') + "\"";
    for (int i = 0; i < 10; ++i) {
        hub.publish("rec:s", payload);
        REQUIRE(fine.wait_for_publications("rec:s", 1));
        fine.conn->clear();
    }
    CHECK(wait_until([&] { return slow.conn->close_code() == 3008; }));
    CHECK_FALSE(fine.conn->close_code());
    CHECK(wait_until([&] { return hub.channels().at(0).num_clients == 1; }));
}

TEST_CASE("pings go out and a missing pong closes with 3012", "[hub][slow]")
{
    auto options = test_options();
    options.ping_interval = 1s;
    options.pong_timeout = 1s;
    Hub hub(options);
    Client quiet(hub), polite(hub);
    quiet.connect();
    polite.connect();

    auto pinged = [](Client& c) {
        for (const auto& m : c.conn->messages()) {
            if (m == json::object()) {
                return true;
            }
        }
        return false;
    };
    REQUIRE(wait_until([&] { return pinged(polite); }, 3s));
    polite.send("{}");
    polite.conn->clear();

    CHECK(wait_until([&] { return quiet.conn->close_code().has_value(); }, 4s));
    CHECK(quiet.conn->close_code() == 3012);
    CHECK_FALSE(polite.conn->close_code());
}

TEST_CASE("a connection that never connects is closed as stale", "[hub][slow]")
{
    auto options = test_options();
    options.stale_timeout = 1s;
    Hub hub(options);
    Client idle(hub);
    CHECK(wait_until([&] { return idle.conn->close_code().has_value(); }, 3s));
    CHECK(idle.conn->close_code() == 3502);
}

TEST_CASE("shutdown closes every client with 3001 and refuses new work", "[hub]")
{
    Hub hub(test_options());
    Client a(hub), b(hub);
    a.connect();
    hub.shutdown();
    CHECK(a.conn->close_code() == 3001);
    CHECK(b.conn->close_code() == 3001);
    CHECK_FALSE(hub.accept(std::make_shared<FakeConnection>()));
    std::error_code ec;
    hub.publish("rec:x", "{}", ec);
    CHECK(ec == errc::shut_down);
}

TEST_CASE("shutdown with fan-out queued drops the work and neither crashes nor hangs",
          "[hub][fanout]")
{
    auto options = test_options();
    options.fanout_threads = 1;
    Hub hub(options);
    Clients clients = subscribed(hub, 20, "rec:d");

    // The lane gets stuck in its first delivery, with the rest queued
    // behind it, until shutdown has begun.
    Client& stuck = *clients.front();
    stuck.conn->hold(true);
    constexpr std::size_t count = 50;
    for (std::size_t i = 0; i < count; ++i) {
        hub.publish("rec:d", "{}");
    }
    REQUIRE(wait_until([&] { return stuck.conn->holding(); }));
    std::thread stopper([&hub] { hub.shutdown(); });
    REQUIRE(wait_until([&] {
        std::error_code ec;
        hub.publish("rec:d", "{}", ec);
        return ec == errc::shut_down;
    }));
    stuck.conn->hold(false);
    stopper.join();

    for (const auto& c : clients) {
        CHECK(c->conn->close_code() == 3001);
        auto got = c->pub_offsets("rec:d");
        CHECK(got.size() < count);
        CHECK(got == range(1, got.size()));
    }
}

namespace {

// One fan-out thread, which refuses publishes past 2,000 queued bytes,
// logging to `log`.
HubOptions one_bounded_lane(WarningLog& log)
{
    auto options = test_options();
    options.fanout_threads = 1;
    options.fanout_queue_max_bytes = 2000;
    log.attach(options);
    return options;
}

} // namespace

TEST_CASE("a fan-out backlog past its limit refuses publishes until it drains",
          "[hub][fanout]")
{
    WarningLog log;
    Hub hub(one_bounded_lane(log));
    Clients clients = subscribed(hub, 1, "rec:b");
    Client& client = *clients.front();

    // The lane sticks in its first delivery, so the rest wait behind it.
    client.conn->hold(true);
    const std::string data = R"({"pad":")" + std::string(300, 'x') + R"("})";
    hub.publish("rec:b", data);
    REQUIRE(wait_until([&] { return client.conn->holding(); }));

    std::size_t accepted = 1;
    std::error_code ec;
    while (!ec && accepted < 100) {
        hub.publish("rec:b", data, ec);
        if (!ec) {
            ++accepted;
        }
    }
    CHECK(ec == errc::too_many_requests);
    CHECK(accepted >= 3);
    CHECK(accepted < 100);

    // Everything accepted arrives, and a refused publish took no offset.
    client.conn->hold(false);
    REQUIRE(client.wait_for_publications("rec:b", accepted));
    CHECK(client.pub_offsets("rec:b") == range(1, accepted));
    hub.publish("rec:b", data, ec);
    CHECK_FALSE(ec);
    REQUIRE(client.wait_for_publications("rec:b", accepted + 1));
    CHECK(client.pub_offsets("rec:b") == range(1, accepted + 1));

    // The operator hears when refusing starts and ends, once each.
    const auto warnings = log.messages();
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].find("refusing publishes") != std::string::npos);
    CHECK(warnings[1].find("accepting publishes again") != std::string::npos);
}

TEST_CASE("publications from elsewhere past twice the limit are shed, then recovered",
          "[hub][fanout]")
{
    WarningLog log;
    auto broker = std::make_shared<MemoryBroker>();
    Hub hub(one_bounded_lane(log), broker);
    Client first(hub), second(hub);
    first.connect();
    second.connect();
    const std::string epoch = first.subscribe("rec:x", 2)["subscribe"]["epoch"];
    second.subscribe("rec:x", 2);

    // Publications put straight into the broker arrive as another node's
    // would: this node's refusal to publish never sees them.
    const std::string data = R"({"pad":")" + std::string(300, 'x') + R"("})";
    auto publish_elsewhere = [&] {
        PublishOptions o;
        o.history_size = 100;
        o.history_ttl = 300s;
        broker->publish("rec:x", data, o, [](std::error_code, PublishResult) {});
    };
    first.conn->hold(true);
    publish_elsewhere();
    REQUIRE(wait_until([&] { return first.conn->holding(); }));
    constexpr std::uint64_t count = 40;
    for (std::uint64_t i = 1; i < count; ++i) {
        publish_elsewhere();
    }
    first.conn->hold(false);

    // What the lane took arrives in order; then each subscriber is sent
    // back to recovery and gets exactly the rest from history.
    for (Client* c : {&first, &second}) {
        REQUIRE(wait_until([&] { return c->told_unsubscribe("rec:x", 2500); }));
        const auto got = c->pub_offsets("rec:x");
        CHECK(got.size() < count);
        REQUIRE(got == range(1, got.size()));

        auto s = c->subscribe("rec:x", 3,
                              R"(,"recover":true,"offset":)" + std::to_string(got.size()) +
                                  R"(,"epoch":")" + epoch + "\"")["subscribe"];
        CHECK(s["recovered"] == true);
        std::vector<std::uint64_t> rest;
        for (const auto& p : s["publications"]) {
            rest.push_back(p["offset"]);
        }
        CHECK(rest == range(got.size() + 1, count));
    }

    // The operator hears when shedding starts, and that it ended at the
    // next publication the lane takes.
    const std::size_t before = second.pub_offsets("rec:x").size();
    publish_elsewhere();
    REQUIRE(second.wait_for_publications("rec:x", before + 1));
    CHECK(second.pub_offsets("rec:x").back() == count + 1);
    const auto warnings = log.messages();
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0].find("shedding publications") != std::string::npos);
    CHECK(warnings[1].find("no longer shedding") != std::string::npos);
}

namespace {

// Passes everything to a MemoryBroker but lets the test cut the feed, as a
// lost Redis PUB/SUB connection would.
class CuttableBroker final : public herald::test::ForwardingBroker {};

} // namespace

TEST_CASE("after a feed outage, subscribers that missed something recover", "[hub]")
{
    auto broker = std::make_shared<CuttableBroker>();
    Hub hub(test_options(), broker);
    Client behind(hub), current(hub);
    behind.connect();
    current.connect();
    behind.subscribe("rec:f", 2);
    current.subscribe("rec:q", 2);
    hub.publish("rec:f", "{}");
    hub.publish("rec:q", "{}");

    // rec:f gets a publication nobody on this node saw.
    broker->inner.stop();
    hub.publish("rec:f", "{}");
    broker->inner.start(*broker->handler);
    broker->handler->on_feed_restored();

    // No wait for the first two publications: the check queues behind them.
    CHECK(wait_until([&] { return behind.told_unsubscribe("rec:f", 2500); }));
    CHECK(behind.session->channels().empty());

    // Queued after the check in the same lane, this one arrives only if the
    // check kept `current`.
    hub.publish("rec:q", "{}");
    CHECK(current.wait_for_publications("rec:q", 2));
    CHECK_FALSE(current.told_unsubscribe("rec:q", 2500));
    CHECK(current.session->channels().size() == 1);
}
