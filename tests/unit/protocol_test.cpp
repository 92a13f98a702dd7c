// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "protocol.hpp"

#include "catch.hpp"

#include <nlohmann/json.hpp>

using namespace herald;
using namespace herald::detail;
using nlohmann::json;

namespace {

std::vector<Command> decode_ok(std::string_view text)
{
    std::vector<Command> out;
    std::string error;
    INFO(text);
    REQUIRE(decode_commands(text, out, error));
    return out;
}

bool decode_fails(std::string_view text)
{
    std::vector<Command> out;
    std::string error;
    bool ok = decode_commands(text, out, error);
    if (!ok) {
        CHECK_FALSE(error.empty());
    }
    return !ok;
}

PublicationPtr pub(std::uint64_t offset, std::string data)
{
    Publication p;
    p.offset = offset;
    p.data = std::move(data);
    return std::make_shared<const Publication>(std::move(p));
}

} // namespace

TEST_CASE("decodes what centrifuge-js sends on open", "[protocol]")
{
    auto cmds = decode_ok("{\"connect\":{\"token\":\"t\",\"name\":\"js\"},\"id\":1}\n"
                          "{\"subscribe\":{\"channel\":\"scores\",\"flag\":1},\"id\":2}");
    REQUIRE(cmds.size() == 2);
    CHECK(cmds[0].method == Method::connect);
    CHECK(cmds[0].id == 1);
    CHECK(cmds[0].token == "t");
    CHECK(cmds[0].name == "js");
    CHECK(cmds[1].method == Method::subscribe);
    CHECK(cmds[1].channel == "scores");
    CHECK_FALSE(cmds[1].recover);
}

TEST_CASE("decodes a recovering subscribe", "[protocol]")
{
    auto cmds = decode_ok(R"({"subscribe":{"channel":"s","recover":true,)"
                          R"("offset":42,"epoch":"kTcd"},"id":4})");
    REQUIRE(cmds.size() == 1);
    CHECK(cmds[0].recover);
    CHECK(cmds[0].since.offset == 42);
    CHECK(cmds[0].since.epoch == "kTcd");
}

TEST_CASE("decodes publish, history, presence and unsubscribe", "[protocol]")
{
    auto cmds = decode_ok(R"({"publish":{"channel":"c","data":{"x": [1, 2]}},"id":6})"
                          "\n"
                          R"({"history":{"channel":"c","limit":5,"since":{"offset":3,)"
                          R"("epoch":"e"},"reverse":true},"id":7})"
                          "\n"
                          R"({"presence":{"channel":"c"},"id":8})"
                          "\n"
                          R"({"presence_stats":{"channel":"c"},"id":9})"
                          "\n"
                          R"({"unsubscribe":{"channel":"c"},"id":10})");
    REQUIRE(cmds.size() == 5);
    CHECK(cmds[0].method == Method::publish);
    CHECK(json::parse(cmds[0].data) == json::parse(R"({"x":[1,2]})"));
    CHECK(cmds[0].data.find('\n') == std::string::npos);
    CHECK(cmds[1].method == Method::history);
    CHECK(cmds[1].limit == 5);
    CHECK(cmds[1].has_since);
    CHECK(cmds[1].since.offset == 3);
    CHECK(cmds[1].reverse);
    CHECK(cmds[2].method == Method::presence);
    CHECK(cmds[3].method == Method::presence_stats);
    CHECK(cmds[4].method == Method::unsubscribe);
}

TEST_CASE("the empty command is a pong; send may go without an id", "[protocol]")
{
    auto cmds = decode_ok("{}");
    REQUIRE(cmds.size() == 1);
    CHECK(cmds[0].method == Method::pong);
    CHECK(cmds[0].id == 0);

    auto send = decode_ok(R"({"send":{"data":{}}})");
    CHECK(send[0].method == Method::send);
}

TEST_CASE("blank lines and a trailing newline are ignored", "[protocol]")
{
    auto cmds = decode_ok("{}\n\r\n{}\n");
    CHECK(cmds.size() == 2);
}

TEST_CASE("malformed commands are refused", "[protocol]")
{
    CHECK(decode_fails(""));
    CHECK(decode_fails("\n\n"));
    CHECK(decode_fails("garbage"));
    CHECK(decode_fails("[1,2]"));
    CHECK(decode_fails(R"({"subscribe":{"channel":"c"}})"));            // no id
    CHECK(decode_fails(R"({"id":3})"));                                  // no request
    CHECK(decode_fails(R"({"subscribe":{"channel":5},"id":1})"));        // wrong type
    CHECK(decode_fails(R"({"subscribe":"c","id":1})"));                  // not an object
    CHECK(decode_fails(R"({"publish":{"channel":"c"},"id":1})"));        // no data
    CHECK(decode_fails(R"({"connect":{},"id":-1})"));                    // negative id
    CHECK(decode_fails(R"({"connect":{},"id":4294967296})"));            // > 32 bits
    CHECK(decode_fails("{}\nnot json"));                                 // one bad line
}

TEST_CASE("encodes error replies with code, message and temporary", "[protocol]")
{
    auto e = json::parse(encode_error(6, 103, false));
    CHECK(e == json::parse(R"({"id":6,"error":{"code":103,"message":"permission denied"}})"));
    auto t = json::parse(encode_error(2, 100, true));
    CHECK(t["error"]["temporary"] == true);
    CHECK(t["error"]["message"] == "internal server error");
}

TEST_CASE("encodes the connect reply", "[protocol]")
{
    auto c = json::parse(encode_connect(1, "abc", "0.1.0", 25));
    CHECK(c == json::parse(
                   R"({"id":1,"connect":{"client":"abc","version":"0.1.0","ping":25,"pong":true}})"));
}

TEST_CASE("encodes subscribe replies, leaving out zero fields", "[protocol]")
{
    SubscribeReply plain;
    CHECK(json::parse(encode_subscribe(2, plain)) == json::parse(R"({"id":2,"subscribe":{}})"));

    SubscribeReply r;
    r.recoverable = r.positioned = r.was_recovering = r.recovered = true;
    r.position = {42, "kTcd"};
    r.publications = {pub(43, R"({"home":3})"), pub(44, R"({"home":4})")};
    auto j = json::parse(encode_subscribe(4, r));
    CHECK(j["id"] == 4);
    auto s = j["subscribe"];
    CHECK(s["recoverable"] == true);
    CHECK(s["positioned"] == true);
    CHECK(s["recovered"] == true);
    CHECK(s["was_recovering"] == true);
    CHECK(s["epoch"] == "kTcd");
    CHECK(s["offset"] == 42);
    REQUIRE(s["publications"].size() == 2);
    CHECK(s["publications"][0] == json::parse(R"({"data":{"home":3},"offset":43})"));
}

TEST_CASE("encodes the publication push with the payload as it is", "[protocol]")
{
    Publication p;
    p.offset = 7;
    p.data = R"({"score":"1-0","f":1.50})";
    p.info = ClientInfo{"u1", "c1", R"({"name":"A"})", ""};
    p.tags = {{"k\"", "v"}};
    std::string text = encode_publication_push("match:\"1\"", p);

    // Byte for byte: 1.50 is not rewritten as 1.5.
    CHECK(text.find(R"("data":{"score":"1-0","f":1.50})") != std::string::npos);
    auto j = json::parse(text);
    CHECK(j["push"]["channel"] == "match:\"1\"");
    CHECK(j["push"]["pub"]["offset"] == 7);
    CHECK(j["push"]["pub"]["info"]["user"] == "u1");
    CHECK(j["push"]["pub"]["info"]["conn_info"]["name"] == "A");
    CHECK(j["push"]["pub"]["tags"]["k\""] == "v");
    CHECK(j.find("id") == j.end());
}

TEST_CASE("encodes history, presence and the unsubscribe push", "[protocol]")
{
    HistoryResult h;
    h.top = {9, "e"};
    h.publications = {pub(9, "1")};
    CHECK(json::parse(encode_history(3, h)) ==
          json::parse(R"({"id":3,"history":{"publications":[{"data":1,"offset":9}],)"
                      R"("epoch":"e","offset":9}})"));

    PresenceMap m{{"c1", ClientInfo{"alice", "c1", "", ""}}};
    CHECK(json::parse(encode_presence(5, m)) ==
          json::parse(R"({"id":5,"presence":{"presence":{"c1":{"user":"alice","client":"c1"}}}})"));

    CHECK(json::parse(encode_presence_stats(6, {3, 2})) ==
          json::parse(R"({"id":6,"presence_stats":{"num_clients":3,"num_users":2}})"));

    CHECK(json::parse(encode_unsubscribe_push("c", 2500, "insufficient state")) ==
          json::parse(R"({"push":{"channel":"c","unsubscribe":{"code":2500,)"
                      R"("reason":"insufficient state"}}})"));
}
