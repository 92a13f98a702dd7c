// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
//
// A protocol client of a Hub without sockets, for tests that drive sessions
// directly: commands go in through Session::receive, replies and pushes
// come out of a FakeConnection as JSON.
#pragma once

#include <herald/hub.hpp>
#include <herald/session.hpp>

#include "catch.hpp"
#include "fake_connection.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace herald::test {

/// Polls `done` until it holds or `limit` has passed; true when it held.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(5))
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

/// The offsets from..to, both included.
inline std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to)
{
    std::vector<std::uint64_t> out;
    for (auto i = from; i <= to; ++i) {
        out.push_back(i);
    }
    return out;
}

/// One client session of `hub`. A broker may answer on its own thread, so
/// every read of a reply waits for it (up to `timeout`).
struct TestClient {
    explicit TestClient(Hub& hub, std::chrono::milliseconds timeout = std::chrono::seconds(5))
        : conn(std::make_shared<FakeConnection>()), session(hub.accept(conn)), timeout(timeout)
    {
        REQUIRE(session);
    }

    void send(const std::string& text) { session->receive(text); }

    /// Connects, with a connection token when `token` is not empty.
    nlohmann::json connect(const std::string& token = "")
    {
        std::string field = token.empty() ? "" : R"(,"token":")" + token + "\"";
        send(R"({"connect":{"name":"test")" + field + R"(},"id":1})");
        return reply(1);
    }

    /// Subscribes with command id `id`; `extra` adds fields to the request.
    nlohmann::json subscribe(const std::string& channel,
                             std::uint32_t id,
                             const std::string& extra = "")
    {
        send(R"({"subscribe":{"channel":")" + channel + "\"" + extra + R"(},"id":)" +
             std::to_string(id) + "}");
        return reply(id);
    }

    /// The reply to command `id`; fails the test when none comes.
    nlohmann::json reply(std::uint32_t id) const
    {
        nlohmann::json out;
        bool found = wait_until(
            [&] {
                for (const auto& m : conn->messages()) {
                    if (m.value("id", 0u) == id) {
                        out = m;
                        return true;
                    }
                }
                return false;
            },
            timeout);
        if (!found) {
            FAIL("no reply with id " << id);
        }
        return out;
    }

    /// The offsets of the publications pushed for `channel`, in order.
    std::vector<std::uint64_t> pub_offsets(const std::string& channel) const
    {
        std::vector<std::uint64_t> out;
        for (const auto& m : conn->messages()) {
            if (is_push(m, channel, "pub")) {
                out.push_back(m["push"]["pub"].value("offset", std::uint64_t{0}));
            }
        }
        return out;
    }

    /// Waits until `count` publications of `channel` have arrived: the hub
    /// delivers them from its fan-out threads after publish returns.
    bool wait_for_publications(const std::string& channel, std::size_t count) const
    {
        return wait_until([&] { return pub_offsets(channel).size() >= count; }, timeout);
    }

    /// True when the server unsubscribed the client from `channel` with `code`.
    bool told_unsubscribe(const std::string& channel, int code) const
    {
        for (const auto& m : conn->messages()) {
            if (is_push(m, channel, "unsubscribe") &&
                m["push"]["unsubscribe"].value("code", 0) == code) {
                return true;
            }
        }
        return false;
    }

    std::shared_ptr<FakeConnection> conn;
    std::shared_ptr<Session> session;
    std::chrono::milliseconds timeout;

private:
    static bool is_push(const nlohmann::json& m, const std::string& channel, const char* kind)
    {
        return m.contains("push") && m["push"].value("channel", "") == channel &&
               m["push"].contains(kind);
    }
};

} // namespace herald::test
