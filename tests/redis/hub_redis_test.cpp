// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "helpers.hpp"

#include <herald/hub.hpp>
#include <herald/session.hpp>
#include <herald/token.hpp>

#include "catch.hpp"
#include "fake_connection.hpp"
#include "test_client.hpp"

#include <nlohmann/json.hpp>

#include <thread>

using namespace herald;
using namespace herald::test;
using nlohmann::json;

namespace {

HubOptions hub_options()
{
    HubOptions o;
    ChannelOptions rec;
    rec.history_size = 100;
    rec.history_ttl = 300s;
    rec.recovery = true;
    rec.presence = true;
    o.namespaces["rec"] = rec;

    ChannelOptions brief = rec;
    brief.history_ttl = 2s;
    o.namespaces["brief"] = brief;
    return o;
}

constexpr const char* token_secret = "hub-redis-test";

// With connection tokens, for tests that need users.
HubOptions user_hub_options()
{
    HubOptions o = hub_options();
    o.token_hmac_secret = token_secret;
    return o;
}

std::string token_for(const std::string& user)
{
    TokenClaims claims;
    claims.sub = user;
    return issue_token(claims, token_secret);
}

// A connected client of one hub; replies come on the broker's thread. A
// user's client needs a hub of user_hub_options().
struct Client : TestClient {
    explicit Client(Hub& hub, const std::string& user = "") : TestClient(hub, call_timeout)
    {
        connect(user.empty() ? "" : token_for(user));
    }

    json subscribe(const std::string& channel, std::uint32_t id, const std::string& extra = "")
    {
        return TestClient::subscribe(channel, id, extra)["subscribe"];
    }

    std::vector<std::uint64_t> offsets(const std::string& channel) const
    {
        return pub_offsets(channel);
    }

    bool told_insufficient_state(const std::string& channel) const
    {
        return told_unsubscribe(channel, 2500);
    }

    template <class Predicate>
    static bool wait_until(Predicate done)
    {
        return herald::test::wait_until(done, call_timeout);
    }
};

std::shared_ptr<RedisBroker> broker_for(const RedisServer& server,
                                        std::chrono::milliseconds reconnect = 50ms)
{
    auto o = options_for(server);
    o.reconnect_min = reconnect;
    o.reconnect_max = std::max(reconnect, o.reconnect_max);
    return std::make_shared<RedisBroker>(o);
}

// True once `nodes` feed connections listen on the control channel: a
// command published before is lost to the others, as any PUB/SUB message.
bool control_listeners(const RedisServer& server, int nodes)
{
    std::string expected = "herald:control " + std::to_string(nodes);
    return Client::wait_until(
        [&] { return server.command({"PUBSUB", "NUMSUB", "herald:control"}) == expected; });
}

} // namespace

TEST_CASE("hubs on one Redis: published on one, received and recovered on another",
          "[hub]")
{
    RedisServer server;
    Hub one(hub_options(), broker_for(server));
    Hub two(hub_options(), broker_for(server));

    Client watcher(two);
    auto sub = watcher.subscribe("rec:game", 2);
    std::string epoch = sub["epoch"];
    for (int i = 0; i < 5; ++i) {
        CHECK(one.publish("rec:game", "{\"goal\":" + std::to_string(i) + "}").position.epoch ==
              epoch);
    }
    REQUIRE(Client::wait_until([&] { return watcher.offsets("rec:game").size() == 5; }));
    CHECK(watcher.offsets("rec:game") == range(1, 5));
    CHECK(two.presence_stats("rec:game").num_clients == 1);
    CHECK(one.presence_stats("rec:game").num_clients == 1);

    // The client's node goes away; it comes back on the other node and
    // recovers from Redis what it missed.
    watcher.session->closed();
    for (int i = 5; i < 8; ++i) {
        two.publish("rec:game", "{\"goal\":" + std::to_string(i) + "}");
    }
    Client back(one);
    auto rec = back.subscribe("rec:game", 2,
                              R"(,"recover":true,"offset":5,"epoch":")" + epoch + "\"");
    CHECK(rec["recovered"] == true);
    std::vector<std::uint64_t> got;
    for (const auto& p : rec["publications"]) {
        got.push_back(p["offset"]);
    }
    CHECK(got == range(6, 8));

    two.publish("rec:game", "{}");
    REQUIRE(Client::wait_until([&] { return back.offsets("rec:game").size() == 1; }));
    CHECK(back.offsets("rec:game") == std::vector<std::uint64_t>{9});
}

TEST_CASE("after a PUB/SUB outage, a subscriber that missed something recovers", "[hub]")
{
    RedisServer server;
    // The slow reconnection leaves room to publish while the feed is down.
    Hub one(hub_options(), broker_for(server));
    Hub two(hub_options(), broker_for(server, 500ms));

    Client behind(two);
    Client current(two);
    behind.subscribe("rec:f", 2);
    current.subscribe("rec:q", 2);
    one.publish("rec:f", "{}");
    REQUIRE(Client::wait_until([&] { return behind.offsets("rec:f").size() == 1; }));

    server.command({"CLIENT", "KILL", "TYPE", "pubsub"});
    one.publish("rec:f", "{}");

    CHECK(Client::wait_until([&] { return behind.told_insufficient_state("rec:f"); }));
    CHECK(Client::wait_until([&] { return behind.session->channels().empty(); }));
    CHECK_FALSE(current.told_insufficient_state("rec:q"));
    CHECK(current.session->channels().size() == 1);
}

TEST_CASE("a publish while Redis is down is refused, not dropped", "[hub]")
{
    RedisServer server;
    Hub hub(hub_options(), broker_for(server));
    REQUIRE(hub.publish("rec:x", "{}").position.offset == 1);

    server.stop();
    std::error_code ec;
    hub.publish("rec:x", "{}", ec);
    CHECK(ec == errc::broker_unavailable);
    CHECK_THROWS_AS(hub.publish("rec:x", "{}"), std::system_error);

    server.start();
    REQUIRE(Client::wait_until([&] {
        std::error_code e;
        hub.publish("rec:x", "{}", e);
        return !e;
    }));
}

TEST_CASE("every hub lists every live node, and forgets a stopped one", "[hub]")
{
    RedisServer server;
    auto o = options_for(server);
    o.node_info_interval = 200ms;
    HubOptions named = hub_options();
    named.node_name = "one";
    Hub one(named, std::make_shared<RedisBroker>(o));
    named.node_name = "two";
    auto two = std::make_unique<Hub>(named, std::make_shared<RedisBroker>(o));
    Client watcher(*two);
    watcher.subscribe("rec:n", 2);

    std::vector<NodeInfo> nodes;
    REQUIRE(Client::wait_until([&] {
        nodes = one.nodes();
        return nodes.size() == 2;
    }));
    CHECK(nodes[0].uid == one.info().uid);
    CHECK(nodes[1].name == "two");
    CHECK(nodes[1].uid == two->info().uid);
    REQUIRE(Client::wait_until([&] { return one.nodes().at(1).num_clients == 1; }));
    CHECK(two->nodes().at(0).name == "two");

    two.reset();
    REQUIRE(Client::wait_until([&] { return one.nodes().size() == 1; }));
    CHECK(one.nodes().at(0).name == "one");
}

TEST_CASE("a disconnect on one node closes the user's connections on every node",
          "[control]")
{
    RedisServer server;
    Hub one(user_hub_options(), broker_for(server));
    Hub two(user_hub_options(), broker_for(server));
    Client here(one, "alice");
    Client there(two, "alice");
    Client bob(two, "bob");
    REQUIRE(control_listeners(server, 2));

    DisconnectRequest request;
    request.user = "alice";
    request.code = 4003;
    request.reason = "banned";
    one.disconnect_user(request);

    CHECK(here.conn->close_code() == std::optional<std::uint16_t>(4003));
    REQUIRE(Client::wait_until([&] { return there.conn->close_code().has_value(); }));
    CHECK(there.conn->close_code() == std::optional<std::uint16_t>(4003));
    CHECK(Client::wait_until([&] { return two.info().num_clients == 1; }));
    CHECK_FALSE(bob.conn->close_code());
}

TEST_CASE("an unsubscribe on one node reaches the subscriber on another", "[control]")
{
    RedisServer server;
    Hub one(user_hub_options(), broker_for(server));
    Hub two(user_hub_options(), broker_for(server));
    Client alice(two, "alice");
    Client bob(two, "bob");
    alice.subscribe("rec:u", 2);
    bob.subscribe("rec:u", 2);
    REQUIRE(control_listeners(server, 2));

    UnsubscribeRequest request;
    request.channel = "rec:u";
    request.user = "alice";
    one.unsubscribe_user(request);

    REQUIRE(Client::wait_until([&] { return alice.told_unsubscribe("rec:u", 2000); }));
    CHECK(alice.session->channels().empty());
    CHECK_FALSE(alice.conn->close_code());
    one.publish("rec:u", "{}");
    REQUIRE(Client::wait_until([&] { return bob.offsets("rec:u").size() == 1; }));
    CHECK(alice.offsets("rec:u").empty());
    CHECK_FALSE(bob.told_unsubscribe("rec:u", 2000));
}

TEST_CASE("the control channel is subscribed again after a PUB/SUB outage", "[control]")
{
    RedisServer server;
    Hub one(user_hub_options(), broker_for(server));
    Hub two(user_hub_options(), broker_for(server));
    Client there(two, "alice");
    REQUIRE(control_listeners(server, 2));

    server.command({"CLIENT", "KILL", "TYPE", "pubsub"});

    // Commands sent while node two's feed is down are lost to it, as any
    // PUB/SUB message is; one sent after it is back must arrive.
    DisconnectRequest request;
    request.user = "alice";
    CHECK(Client::wait_until([&] {
        one.disconnect_user(request);
        return there.conn->close_code() == std::optional<std::uint16_t>(3503);
    }));
}

TEST_CASE("history entries expire one by one, and recovery never skips one", "[history]")
{
    RedisServer server;
    Hub one(hub_options(), broker_for(server));
    Hub two(hub_options(), broker_for(server));
    const std::string channel = "brief:x";
    std::string epoch;
    for (int i = 0; i < 3; ++i) {
        epoch = one.publish(channel, "{}").position.epoch;
    }
    std::this_thread::sleep_for(1300ms);
    one.publish(channel, "{}");
    one.publish(channel, "{}");
    // Publications 1-3 are now older than the 2 s history_ttl, 4-5 are not;
    // each publish renewed the stream's own TTL.
    std::this_thread::sleep_for(900ms);

    HistoryQuery all;
    all.limit = -1;
    auto history = two.history(channel, all);
    CHECK(history.top == StreamPosition{5, epoch});
    std::vector<std::uint64_t> kept;
    for (const auto& pub : history.publications) {
        kept.push_back(pub->offset);
    }
    CHECK(kept == range(4, 5));

    HistoryQuery since = all;
    since.since = StreamPosition{1, epoch};
    std::error_code ec;
    two.history(channel, since, ec);
    CHECK(ec == errc::unrecoverable_position);

    Client gap(two);
    std::string recover = R"(,"recover":true,"epoch":")" + epoch + "\"";
    auto lost = gap.subscribe(channel, 2, recover + R"(,"offset":1)");
    CHECK(lost["was_recovering"] == true);
    CHECK_FALSE(lost.value("recovered", false));
    CHECK(lost.value("publications", json::array()).empty());
    CHECK(lost["offset"] == 5);

    Client whole(one);
    auto rec = whole.subscribe(channel, 2, recover + R"(,"offset":3)");
    CHECK(rec["recovered"] == true);
    REQUIRE(rec["publications"].size() == 2);
    CHECK(rec["publications"][0]["offset"] == 4);
}
