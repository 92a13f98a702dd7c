// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/error.hpp>
#include <herald/hub.hpp>
#include <herald/options.hpp>

#include "catch.hpp"

#include <chrono>
#include <string>

using namespace herald;
using namespace std::chrono_literals;

namespace {

std::error_code check(const HubOptions& o)
{
    std::error_code ec;
    std::string what;
    validate(o, ec, what);
    if (ec) {
        CHECK_FALSE(what.empty());
    }
    return ec;
}

ChannelOptions with_history()
{
    ChannelOptions o;
    o.history_size = 10;
    o.history_ttl = 60s;
    o.recovery = true;
    return o;
}

} // namespace

TEST_CASE("channel_namespace is the part before the first colon", "[options]")
{
    CHECK(channel_namespace("match:42") == "match");
    CHECK(channel_namespace("match:42:extra") == "match");
    CHECK(channel_namespace("lobby").empty());
    CHECK(channel_namespace(":x").empty());
}

TEST_CASE("defaults are valid", "[options]")
{
    CHECK_FALSE(check(HubOptions{}));
}

TEST_CASE("recovery needs history", "[options]")
{
    HubOptions o;
    o.namespaces["m"].recovery = true;
    CHECK(check(o) == errc::invalid_options);

    o.namespaces["m"] = with_history();
    CHECK_FALSE(check(o));
}

TEST_CASE("history size and ttl go together", "[options]")
{
    HubOptions o;
    o.default_channel.history_size = 5;
    CHECK(check(o) == errc::invalid_options);
    o.default_channel.history_ttl = 10s;
    CHECK_FALSE(check(o));
}

TEST_CASE("namespace names are non-empty and have no colon", "[options]")
{
    HubOptions o;
    o.namespaces["a:b"] = {};
    CHECK(check(o) == errc::invalid_options);
    HubOptions e;
    e.namespaces[""] = {};
    CHECK(check(e) == errc::invalid_options);
}

TEST_CASE("pong timeout may not exceed the ping interval", "[options]")
{
    HubOptions o;
    o.ping_interval = 5s;
    o.pong_timeout = 6s;
    CHECK(check(o) == errc::invalid_options);
}

TEST_CASE("fanout_threads is 0 (one per core) by default and at most 1024", "[options]")
{
    HubOptions o;
    CHECK(o.fanout_threads == 0);
    o.fanout_threads = 1024;
    CHECK_FALSE(check(o));

    o.fanout_threads = 1025;
    std::error_code ec;
    std::string what;
    validate(o, ec, what);
    CHECK(ec == errc::invalid_options);
    CHECK(what.find("fanout_threads") != std::string::npos);
    CHECK_THROWS_AS(Hub(o), std::system_error);
}

TEST_CASE("a Hub refuses invalid options by throwing", "[options]")
{
    HubOptions o;
    o.client_channel_limit = 0;
    CHECK_THROWS_AS(Hub(o), std::system_error);
}

TEST_CASE("error codes carry protocol codes and messages", "[options]")
{
    std::error_code ec = errc::permission_denied;
    CHECK(ec.category().name() == std::string("herald"));
    CHECK(ec.message() == "permission denied");
    CHECK(protocol_code(ec) == 103);
    CHECK(protocol_code(make_error_code(errc::shut_down)) == 100);
    CHECK(is_temporary(make_error_code(errc::internal)));
    CHECK_FALSE(is_temporary(make_error_code(errc::bad_request)));
    CHECK(disconnect::shutdown.reconnect());
    CHECK_FALSE(disconnect::invalid_token.reconnect());
}
