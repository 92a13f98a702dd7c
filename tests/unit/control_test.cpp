// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Hub::disconnect_user and Hub::unsubscribe_user on one node, and what a
// hub does with the control commands its broker brings from other nodes.

#include <herald/hub.hpp>
#include <herald/memory_broker.hpp>
#include <herald/session.hpp>
#include <herald/token.hpp>

#include "catch.hpp"
#include "fake_connection.hpp"
#include "forwarding_broker.hpp"
#include "test_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

using namespace herald;
using namespace std::chrono_literals;
using herald::test::FakeConnection;
using herald::test::wait_until;
using nlohmann::json;

namespace {

constexpr const char* secret = "control-test-secret";

HubOptions test_options()
{
    HubOptions o;
    o.token_hmac_secret = secret;
    ChannelOptions rec;
    rec.history_size = 10;
    rec.history_ttl = 60s;
    rec.recovery = true;
    rec.presence = true;
    o.namespaces["rec"] = rec;
    return o;
}

DisconnectRequest kick(std::string user)
{
    DisconnectRequest r;
    r.user = std::move(user);
    return r;
}

UnsubscribeRequest unsub(std::string channel, std::string user)
{
    UnsubscribeRequest r;
    r.channel = std::move(channel);
    r.user = std::move(user);
    return r;
}

// A connected client of `user`, subscribed to `channels`.
struct Client {
    Client(Hub& hub, const std::string& user, std::vector<std::string> channels = {})
        : conn(std::make_shared<FakeConnection>()), session(hub.accept(conn))
    {
        REQUIRE(session);
        TokenClaims claims;
        claims.sub = user;
        session->receive(R"({"connect":{"token":")" + issue_token(claims, secret) +
                         R"("},"id":1})");
        REQUIRE(session->connected());
        std::uint32_t id = 2;
        for (const auto& channel : channels) {
            session->receive(R"({"subscribe":{"channel":")" + channel + R"("},"id":)" +
                             std::to_string(id++) + "}");
        }
        REQUIRE(session->channels().size() == channels.size());
    }

    // The pushes of `kind` ("pub", "unsubscribe") the client got for `channel`.
    std::vector<json> pushes(const std::string& channel, const char* kind) const
    {
        std::vector<json> out;
        for (const auto& m : conn->messages()) {
            if (m.contains("push") && m["push"].value("channel", "") == channel &&
                m["push"].contains(kind)) {
                out.push_back(m["push"][kind]);
            }
        }
        return out;
    }

    std::vector<json> unsubscribes(const std::string& channel) const
    {
        return pushes(channel, "unsubscribe");
    }

    std::shared_ptr<FakeConnection> conn;
    std::shared_ptr<Session> session;
};

// Records the control commands a hub sends, and answers them with
// `failure`; delivers nothing itself.
class RecordingBroker final : public herald::test::ForwardingBroker {
public:
    void publish_control(ControlCommand command, ControlCallback done) override
    {
        sent.push_back(command);
        done(failure);
    }

    std::vector<ControlCommand> sent;
    std::error_code failure;
};

} // namespace

TEST_CASE("disconnect_user closes every connection of the user, and only those")
{
    Hub hub(test_options());
    Client alice1(hub, "alice", {"rec:a"});
    Client alice2(hub, "alice");
    Client bob(hub, "bob", {"rec:a"});

    hub.disconnect_user(kick("alice"));

    CHECK(alice1.conn->close_code() == std::optional<std::uint16_t>(3503));
    CHECK(alice2.conn->close_code() == std::optional<std::uint16_t>(3503));
    CHECK_FALSE(bob.conn->close_code());
    CHECK(hub.presence("rec:a").size() == 1);
    CHECK(hub.info().num_clients == 1);
}

TEST_CASE("disconnect_user with a client id closes that connection with the given code")
{
    Hub hub(test_options());
    Client first(hub, "alice");
    Client second(hub, "alice");

    DisconnectRequest request{"alice", second.session->id(), 4001, "moved"};
    hub.disconnect_user(request);

    CHECK_FALSE(first.conn->close_code());
    CHECK(second.conn->close_code() == std::optional<std::uint16_t>(4001));
}

TEST_CASE("disconnect_user refuses a request without a user or with a bad code")
{
    Hub hub(test_options());
    Client alice(hub, "alice");

    std::error_code ec;
    hub.disconnect_user(kick(""), ec);
    CHECK(ec == errc::bad_request);
    hub.disconnect_user({"alice", "", 1000, "normal"}, ec);
    CHECK(ec == errc::bad_request);
    hub.disconnect_user({"alice", "", 4000, std::string(124, 'x')}, ec);
    CHECK(ec == errc::bad_request);
    CHECK_THROWS_AS(hub.disconnect_user(kick("")), std::system_error);
    CHECK_FALSE(alice.conn->close_code());
}

TEST_CASE("unsubscribe_user sends unsubscribe push 2000 and leaves the channel")
{
    Hub hub(test_options());
    Client alice(hub, "alice", {"rec:a", "rec:b"});
    Client bob(hub, "bob", {"rec:a"});

    hub.unsubscribe_user(unsub("rec:a", "alice"));

    auto pushes = alice.unsubscribes("rec:a");
    REQUIRE(pushes.size() == 1);
    CHECK(pushes[0]["code"] == 2000);
    CHECK(pushes[0]["reason"] == "server unsubscribe");
    CHECK(alice.session->channels() == std::vector<std::string>{"rec:b"});
    CHECK_FALSE(alice.conn->close_code());
    CHECK(bob.unsubscribes("rec:a").empty());
    CHECK(hub.presence("rec:a").size() == 1);

    // Nothing published afterwards reaches the unsubscribed client. One
    // fan-out lane serves all of alice's channels in order: once rec:b's
    // publication is there, rec:a's would have come before it.
    hub.publish("rec:a", R"({"n":1})");
    hub.publish("rec:b", R"({"n":1})");
    REQUIRE(wait_until([&] { return alice.pushes("rec:b", "pub").size() == 1; }));
    CHECK(alice.pushes("rec:a", "pub").empty());
    CHECK(wait_until([&] { return bob.pushes("rec:a", "pub").size() == 1; }));
}

TEST_CASE("unsubscribe_user checks the channel name and the user")
{
    Hub hub(test_options());
    std::error_code ec;
    hub.unsubscribe_user(unsub("nosuchns:a", "alice"), ec);
    CHECK(ec == errc::unknown_channel);
    hub.unsubscribe_user(unsub("rec:a", ""), ec);
    CHECK(ec == errc::bad_request);
    hub.unsubscribe_user(unsub("rec:a", "nobody"), ec);
    CHECK_FALSE(ec);
}

TEST_CASE("a control command goes to the broker after this node applied it")
{
    auto broker = std::make_shared<RecordingBroker>();
    Hub hub(test_options(), broker);
    Client alice(hub, "alice", {"rec:a"});

    broker->failure = make_error_code(errc::broker_unavailable);
    std::error_code ec;
    hub.unsubscribe_user({"rec:a", "alice", alice.session->id()}, ec);

    CHECK(ec == errc::broker_unavailable);
    CHECK(alice.unsubscribes("rec:a").size() == 1);
    REQUIRE(broker->sent.size() == 1);
    const ControlCommand& sent = broker->sent[0];
    CHECK(sent.kind == ControlCommand::Kind::unsubscribe);
    CHECK(sent.origin == hub.info().uid);
    CHECK(sent.user == "alice");
    CHECK(sent.client == alice.session->id());
    CHECK(sent.channel == "rec:a");
}

TEST_CASE("a control command from another node is applied; this node's own is not again")
{
    auto broker = std::make_shared<RecordingBroker>();
    Hub hub(test_options(), broker);
    Client alice(hub, "alice", {"rec:a"});
    REQUIRE(broker->handler != nullptr);

    ControlCommand own;
    own.kind = ControlCommand::Kind::unsubscribe;
    own.origin = hub.info().uid;
    own.user = "alice";
    own.channel = "rec:a";
    broker->handler->on_control(own);
    CHECK(alice.unsubscribes("rec:a").empty());

    ControlCommand other = own;
    other.origin = "another-node";
    broker->handler->on_control(other);
    CHECK(alice.unsubscribes("rec:a").size() == 1);

    ControlCommand bad;
    bad.origin = "another-node";
    bad.user = "alice";
    bad.code = 0;
    broker->handler->on_control(bad);
    CHECK_FALSE(alice.conn->close_code());

    ControlCommand kick = bad;
    kick.code = 3503;
    kick.reason = "force disconnect";
    broker->handler->on_control(kick);
    CHECK(alice.conn->close_code() == std::optional<std::uint16_t>(3503));
}

TEST_CASE("control calls after shutdown fail with shut_down")
{
    Hub hub(test_options());
    hub.shutdown();
    std::error_code ec;
    hub.disconnect_user(kick("alice"), ec);
    CHECK(ec == errc::shut_down);
}
