// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "catch.hpp"
#include "jwt.hpp"

#include <herald/error.hpp>
#include <herald/token.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <string>
#include <system_error>

using herald::TokenClaims;
using herald::detail::TokenStatus;
using herald::detail::verify_connection_token;
using Clock = std::chrono::system_clock;

namespace {

// The helpers below sign tokens with OpenSSL directly, independently of
// jwt.cpp, so a token the library rejects or accepts wrongly shows up here.

const std::string secret = "test-secret";

std::string encode(std::string_view bytes, bool url = true)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    if (!url) {
        return out;
    }

    out.erase(out.find_last_not_of('=') + 1);
    for (char& c : out) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return out;
}

std::string mac(const EVP_MD* md, std::string_view key, std::string_view data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

// Signs `input` ("header.payload") as it stands, encoded or not.
std::string sign_raw(const std::string& input)
{
    return input + "." + encode(mac(EVP_sha256(), secret, input));
}

std::string make_token(std::string_view header,
                       std::string_view payload,
                       std::string_view key = secret,
                       const EVP_MD* md = EVP_sha256())
{
    std::string input = encode(header) + "." + encode(payload);
    return input + "." + encode(mac(md, key, input));
}

std::string hs256(std::string_view payload)
{
    return make_token(R"({"alg":"HS256","typ":"JWT"})", payload);
}

Clock::time_point at(long long seconds)
{
    return Clock::time_point(std::chrono::seconds(seconds));
}

const Clock::time_point now = at(1'800'000'000);

} // namespace

TEST_CASE("issue_token matches an independently computed HS256 token")
{
    // Computed with Python's hmac and base64 modules.
    const char* expected =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMCwiaW5mbyI6eyJuYW1lIjoiQWxpY2UiLCJ0ZWFtIjoyfX0."
        "DRXWOHVU3ED4Cguyi-K8h2xCGJSC0SKKOXV9TWpysfQ";
    TokenClaims claims{"alice", at(4'102'444'800), R"({"name":"Alice","team":2})"};

    CHECK(herald::issue_token(claims, "s3cret") == expected);
}

TEST_CASE("verify accepts an independently computed HS256 token")
{
    const char* token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJib2IifQ."
        "y3Z01X_iNu4mwJ9yH_8_xurIF7e7kc_34Xy5wWrmr_4";

    auto v = verify_connection_token(token, "k", now);

    CHECK(v.status == TokenStatus::ok);
    CHECK(v.sub == "bob");
    CHECK(v.info.empty());
    CHECK(verify_connection_token(token, "K", now).status == TokenStatus::invalid);
}

TEST_CASE("issued tokens round-trip through verification")
{
    TokenClaims claims{"user-7", now + std::chrono::hours(1), R"({ "b": [1, 2], "a": "x" })"};
    std::string token = herald::issue_token(claims, secret);

    auto v = verify_connection_token(token, secret, now);

    REQUIRE(v.status == TokenStatus::ok);
    CHECK(v.sub == "user-7");
    CHECK(v.info == R"({"b":[1,2],"a":"x"})");
    CHECK(v.error.empty());

    SECTION("without exp the token never expires") {
        std::string forever = herald::issue_token(TokenClaims{"u", {}, ""}, secret);
        CHECK(verify_connection_token(forever, secret, at(9'000'000'000)).status ==
              TokenStatus::ok);
    }
}

TEST_CASE("issue_token refuses an empty secret and non-JSON info")
{
    std::error_code ec;

    CHECK(herald::issue_token(TokenClaims{"u", {}, ""}, "", ec).empty());
    CHECK(ec == herald::errc::invalid_options);

    CHECK(herald::issue_token(TokenClaims{"u", {}, "{not json"}, secret, ec).empty());
    CHECK(ec == herald::errc::invalid_options);

    CHECK_FALSE(herald::issue_token(TokenClaims{"u", {}, ""}, secret, ec).empty());
    CHECK_FALSE(ec);

    try {
        herald::issue_token(TokenClaims{"u", {}, ""}, "");
        FAIL("issue_token accepted an empty secret");
    } catch (const std::system_error& e) {
        CHECK(e.code() == herald::errc::invalid_options);
    }
}

TEST_CASE("exp and nbf bound the token's validity")
{
    CHECK(verify_connection_token(hs256(R"({"sub":"u","exp":1800000060})"), secret, now).status ==
          TokenStatus::ok);
    CHECK(verify_connection_token(hs256(R"({"sub":"u","exp":1799999990})"), secret, now).status ==
          TokenStatus::expired);
    CHECK(verify_connection_token(hs256(R"({"sub":"u","exp":1800000000})"), secret, now).status ==
          TokenStatus::expired);
    CHECK(verify_connection_token(hs256(R"({"exp":1.8e9})"), secret, now).status ==
          TokenStatus::expired);

    CHECK(verify_connection_token(hs256(R"({"sub":"u","nbf":1800000100})"), secret, now).status ==
          TokenStatus::expired);
    CHECK(verify_connection_token(hs256(R"({"sub":"u","nbf":1799999000})"), secret, now).status ==
          TokenStatus::ok);
    CHECK(verify_connection_token(hs256(R"({"sub":"u","exp":"soon"})"), secret, now).status ==
          TokenStatus::invalid);

    SECTION("an issued token expires with its claim") {
        std::string token = herald::issue_token(TokenClaims{"u", now - std::chrono::seconds(1), ""},
                                                secret);
        auto v = verify_connection_token(token, secret, now);
        CHECK(v.status == TokenStatus::expired);
        CHECK(v.sub.empty());
        CHECK_FALSE(v.error.empty());
    }
}

TEST_CASE("a wrong signature or tampered payload is invalid")
{
    std::string good = hs256(R"({"sub":"alice"})");
    REQUIRE(verify_connection_token(good, secret, now).status == TokenStatus::ok);

    SECTION("signed with another secret") {
        std::string other = make_token(R"({"alg":"HS256"})", R"({"sub":"alice"})", "other");
        CHECK(verify_connection_token(other, secret, now).status == TokenStatus::invalid);
    }

    SECTION("one signature character changed") {
        std::string bad = good;
        bad.back() = bad.back() == 'A' ? 'B' : 'A';
        CHECK(verify_connection_token(bad, secret, now).status == TokenStatus::invalid);
    }

    SECTION("signature truncated or missing") {
        CHECK(verify_connection_token(good.substr(0, good.size() - 4), secret, now).status ==
              TokenStatus::invalid);
        CHECK(verify_connection_token(good.substr(0, good.rfind('.') + 1), secret, now).status ==
              TokenStatus::invalid);
    }

    SECTION("payload swapped, signature kept") {
        std::size_t first = good.find('.');
        std::size_t second = good.rfind('.');
        std::string forged = good.substr(0, first + 1) + encode(R"({"sub":"admin"})") +
                             good.substr(second);
        auto v = verify_connection_token(forged, secret, now);
        CHECK(v.status == TokenStatus::invalid);
        CHECK(v.sub.empty());
    }

    SECTION("no secret configured") {
        CHECK(verify_connection_token(good, "", now).status == TokenStatus::invalid);
    }
}

TEST_CASE("only alg HS256 is accepted")
{
    const char* payload = R"({"sub":"alice"})";

    std::string none = encode(R"({"alg":"none"})") + "." + encode(payload) + ".";
    CHECK(verify_connection_token(none, secret, now).status == TokenStatus::invalid);

    std::string hs512 = make_token(R"({"alg":"HS512"})", payload, secret, EVP_sha512());
    CHECK(verify_connection_token(hs512, secret, now).status == TokenStatus::invalid);

    // Signed correctly with SHA-256, so only the header can be the reason.
    CHECK(verify_connection_token(make_token(R"({"alg":"HS384"})", payload), secret, now).status ==
          TokenStatus::invalid);
    CHECK(verify_connection_token(make_token(R"({"typ":"JWT"})", payload), secret, now).status ==
          TokenStatus::invalid);
    CHECK(verify_connection_token(make_token(R"({"alg":"hs256"})", payload), secret, now).status ==
          TokenStatus::invalid);
    CHECK(verify_connection_token(make_token(R"({"alg":256})", payload), secret, now).status ==
          TokenStatus::invalid);
    CHECK(verify_connection_token(make_token(R"({"alg":"HS256"})", payload), secret, now).status ==
          TokenStatus::ok);
}

TEST_CASE("malformed tokens are invalid")
{
    std::string good = hs256(R"({"sub":"alice"})");
    std::string header = good.substr(0, good.find('.'));
    std::string payload = encode(R"({"sub":"alice"})");

    auto status = [](const std::string& token) {
        return verify_connection_token(token, secret, now).status;
    };

    CHECK(status("") == TokenStatus::invalid);
    CHECK(status(good.substr(0, good.rfind('.'))) == TokenStatus::invalid);
    CHECK(status(good + ".x") == TokenStatus::invalid);
    CHECK(status(good + ".") == TokenStatus::invalid);
    REQUIRE(status(sign_raw(header + "." + payload)) == TokenStatus::ok);

    // Correctly signed, so only the encoding can be the reason.
    CHECK(status(sign_raw(header + ".e*J9")) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + "=." + payload)) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + "." + payload + "=")) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + "." + payload + "A")) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + ".eyJzdWIiOiJhbGljZSJ9+")) == TokenStatus::invalid);

    // {"sub":"~~~"} and {"sub":"???"}: the URL-safe form passes, the standard
    // alphabet or '=' padding does not, though they decode to the same bytes.
    REQUIRE(status(sign_raw(header + ".eyJzdWIiOiJ-fn4ifQ")) == TokenStatus::ok);
    REQUIRE(status(sign_raw(header + ".eyJzdWIiOiI_Pz8ifQ")) == TokenStatus::ok);
    CHECK(status(sign_raw(header + ".eyJzdWIiOiJ+fn4ifQ")) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + ".eyJzdWIiOiI/Pz8ifQ")) == TokenStatus::invalid);
    CHECK(status(sign_raw(header + ".eyJzdWIiOiJ-fn4ifQ==")) == TokenStatus::invalid);
    CHECK(status(make_token("not json", R"({"sub":"alice"})")) == TokenStatus::invalid);
    CHECK(status(hs256("not json")) == TokenStatus::invalid);
    CHECK(status(hs256(R"(["sub","alice"])")) == TokenStatus::invalid);
    CHECK(status(hs256("")) == TokenStatus::invalid);
}

TEST_CASE("a subscription token is not a connection token")
{
    auto v = verify_connection_token(hs256(R"({"sub":"alice","channel":"match:1"})"), secret, now);

    CHECK(v.status == TokenStatus::invalid);
    CHECK(v.error.find("channel") != std::string::npos);
}

TEST_CASE("sub must be a string when present")
{
    CHECK(verify_connection_token(hs256(R"({"sub":42})"), secret, now).status ==
          TokenStatus::invalid);
    CHECK(verify_connection_token(hs256(R"({"sub":null})"), secret, now).status ==
          TokenStatus::invalid);

    auto anonymous = verify_connection_token(hs256(R"({"exp":1900000000})"), secret, now);
    CHECK(anonymous.status == TokenStatus::ok);
    CHECK(anonymous.sub.empty());
}

TEST_CASE("info and b64info become compact raw JSON")
{
    auto info_of = [](const std::string& payload) {
        auto v = verify_connection_token(hs256(payload), secret, now);
        return v.status == TokenStatus::ok ? v.info : "<" + v.error + ">";
    };

    CHECK(info_of(R"({"info":{"z":1,"a":[true, null]}})") == R"({"z":1,"a":[true,null]})");
    CHECK(info_of(R"({"info":"text"})") == R"("text")");
    CHECK(info_of(R"({"info":null})").empty());

    // b64info is standard base64 and wins over info; raw newlines go.
    std::string pretty = "{\n  \"team\": \"red\"\n}\n";
    CHECK(info_of(R"({"info":{"x":1},"b64info":")" + encode(pretty, false) + "\"}") ==
          R"({  "team": "red"})");
    CHECK(info_of(R"({"b64info":")" + encode("[1]", false) + "\"}") == "[1]");
    CHECK(info_of(R"({"b64info":""})").empty());

    auto status = [](const std::string& payload) {
        return verify_connection_token(hs256(payload), secret, now).status;
    };
    CHECK(status(R"({"b64info":"%%%"})") == TokenStatus::invalid);
    CHECK(status(R"({"b64info":"WzFd="})") == TokenStatus::invalid);
    CHECK(status(R"({"b64info":"WzFd    "})") == TokenStatus::invalid);
    CHECK(status(R"({"b64info":"WzFd"})") == TokenStatus::ok);
    CHECK(status(R"({"b64info":")" + encode("not json", false) + "\"}") ==
          TokenStatus::invalid);
    CHECK(status(R"({"b64info":7})") == TokenStatus::invalid);
}
