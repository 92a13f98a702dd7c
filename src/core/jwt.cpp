// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "jwt.hpp"

#include "json.hpp"

#include <herald/error.hpp>
#include <herald/token.hpp>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace herald {
namespace detail {
namespace {

// Claims keep the issuer's key order, so `info` reaches other clients as
// the host wrote it.
using Json = nlohmann::ordered_json;

constexpr std::string_view header_json = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::size_t mac_size = 32;

// OpenSSL takes int lengths; no token or secret comes anywhere near this.
constexpr std::size_t max_input = INT_MAX / 2;

bool is_base64_char(char c, char plus, char slash)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == plus || c == slash;
}

const unsigned char* bytes_of(std::string_view s)
{
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string base64_encode(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            bytes_of(bytes),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64url_encode(std::string_view bytes)
{
    std::string out = base64_encode(bytes);
    out.erase(out.find_last_not_of('=') + 1);
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

// Decodes standard base64 with or without its '=' padding.
std::optional<std::string> base64_decode(std::string_view text)
{
    std::size_t data_end = text.find_last_not_of('=') + 1;
    std::size_t given_pad = text.size() - data_end;
    bool alphabet_ok = std::all_of(text.begin(), text.begin() + data_end, [](char c) {
        return is_base64_char(c, '+', '/');
    });
    if (!alphabet_ok || given_pad > 2 || data_end % 4 == 1 || text.size() > max_input ||
        (given_pad > 0 && text.size() % 4 != 0)) {
        return std::nullopt;
    }

    // EVP_DecodeBlock wants whole quads and counts padding as zero bytes.
    std::size_t pad = (4 - data_end % 4) % 4;
    std::string padded(text.substr(0, data_end));
    padded.append(pad, '=');
    std::string out(padded.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            bytes_of(padded),
                            static_cast<int>(padded.size()));
    if (n < 0 || static_cast<std::size_t>(n) < pad) {
        return std::nullopt;
    }
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

// Decodes a JWT part: the URL-safe alphabet and no padding.
std::optional<std::string> base64url_decode(std::string_view text)
{
    bool alphabet_ok = std::all_of(text.begin(), text.end(), [](char c) {
        return is_base64_char(c, '-', '_');
    });
    if (!alphabet_ok) {
        return std::nullopt;
    }

    std::string standard(text);
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    return base64_decode(standard);
}

// Returns the raw 32-byte MAC, or an empty string if OpenSSL fails.
std::string hmac_sha256(std::string_view key, std::string_view data)
{
    if (key.size() > max_input) {
        return {};
    }

    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data),
             data.size(), mac, &len) == nullptr) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(mac), len);
}

// Why `claims` cannot be issued under `secret`, or null when they can.
const char* issue_refusal(const TokenClaims& claims, std::string_view secret)
{
    if (secret.empty()) {
        return "issue_token: the HMAC secret is empty";
    }
    if (!claims.info.empty() && !is_json(claims.info)) {
        return "issue_token: TokenClaims::info is not JSON";
    }
    return nullptr;
}

std::string claims_json(const TokenClaims& claims)
{
    Json payload = Json::object();
    payload["sub"] = claims.sub;
    if (claims.expires != std::chrono::system_clock::time_point{}) {
        auto since_epoch = claims.expires.time_since_epoch();
        payload["exp"] = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    }
    if (!claims.info.empty()) {
        payload["info"] = Json::parse(claims.info);
    }
    return payload.dump();
}

// Signs checked claims; empty when OpenSSL fails.
std::string sign_claims(const TokenClaims& claims, std::string_view secret)
{
    std::string signing_input = base64url_encode(header_json);
    signing_input += '.';
    signing_input += base64url_encode(claims_json(claims));

    std::string mac = hmac_sha256(secret, signing_input);
    if (mac.size() != mac_size) {
        return {};
    }
    return signing_input + '.' + base64url_encode(mac);
}

struct TokenParts {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input; ///< "header.payload", what the MAC covers
};

std::optional<TokenParts> split_token(std::string_view token)
{
    std::size_t first = token.find('.');
    std::size_t second = first == token.npos ? token.npos : token.find('.', first + 1);
    if (second == token.npos || token.find('.', second + 1) != token.npos) {
        return std::nullopt;
    }

    return TokenParts{token.substr(0, first),
                      token.substr(first + 1, second - first - 1),
                      token.substr(second + 1),
                      token.substr(0, second)};
}

// Why the header is refused, or null. Anything but HS256 is refused, so a
// token cannot choose "none" or another key type.
const char* header_refusal(std::string_view encoded)
{
    std::optional<std::string> text = base64url_decode(encoded);
    if (!text) {
        return "header is not base64url";
    }

    Json header = Json::parse(*text, nullptr, false);
    if (!header.is_object()) {
        return "header is not a JSON object";
    }

    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
        return "alg is not HS256";
    }
    return nullptr;
}

bool signature_matches(const TokenParts& parts, std::string_view secret)
{
    std::optional<std::string> given = base64url_decode(parts.signature);
    std::string expected = hmac_sha256(secret, parts.signing_input);
    return given && given->size() == mac_size && expected.size() == mac_size &&
           CRYPTO_memcmp(given->data(), expected.data(), mac_size) == 0;
}

VerifiedToken refuse(TokenStatus status, std::string why)
{
    VerifiedToken result;
    result.status = status;
    result.error = std::move(why);
    return result;
}

// Reads `info` and `b64info` (which wins) into `info`; returns why they
// are refused, or null.
const char* read_info(const Json& claims, std::string& info)
{
    auto plain = claims.find("info");
    if (plain != claims.end() && !plain->is_null()) {
        info = plain->dump();
    }

    auto encoded = claims.find("b64info");
    if (encoded == claims.end() ||
        (encoded->is_string() && encoded->get_ref<const std::string&>().empty())) {
        return nullptr;
    }
    if (!encoded->is_string()) {
        return "b64info is not a string";
    }

    // JSON clients embed conn_info as raw JSON, so bytes that are not JSON
    // could never reach them.
    std::optional<std::string> bytes = base64_decode(encoded->get_ref<const std::string&>());
    if (!bytes || !is_json(*bytes)) {
        return "b64info is not base64 of a JSON value";
    }
    info = strip_newlines(*bytes);
    return nullptr;
}

// A numeric date claim: absent, a number of seconds, or malformed.
struct TimeClaim {
    bool present = false;
    bool malformed = false;
    double seconds = 0;
};

TimeClaim time_claim(const Json& claims, const char* name)
{
    TimeClaim result;
    auto it = claims.find(name);
    if (it == claims.end()) {
        return result;
    }

    result.present = true;
    result.malformed = !it->is_number();
    result.seconds = result.malformed ? 0 : it->get<double>();
    return result;
}

// The refusal for a token outside its validity window, if it is.
std::optional<VerifiedToken> time_refusal(const Json& claims,
                                          std::chrono::system_clock::time_point now)
{
    TimeClaim exp = time_claim(claims, "exp");
    TimeClaim nbf = time_claim(claims, "nbf");
    if (exp.malformed || nbf.malformed) {
        return refuse(TokenStatus::invalid, "exp and nbf must be numbers");
    }

    double now_seconds = std::chrono::duration<double>(now.time_since_epoch()).count();
    if (exp.present && exp.seconds <= now_seconds) {
        return refuse(TokenStatus::expired, "token expired");
    }
    if (nbf.present && nbf.seconds > now_seconds) {
        return refuse(TokenStatus::expired, "token not valid yet (nbf)");
    }
    return std::nullopt;
}

VerifiedToken read_claims(std::string_view encoded, std::chrono::system_clock::time_point now)
{
    std::optional<std::string> text = base64url_decode(encoded);
    if (!text) {
        return refuse(TokenStatus::invalid, "payload is not base64url");
    }

    Json claims = Json::parse(*text, nullptr, false);
    if (!claims.is_object()) {
        return refuse(TokenStatus::invalid, "payload is not a JSON object");
    }
    if (claims.contains("channel")) {
        return refuse(TokenStatus::invalid, "a channel claim marks a subscription token");
    }

    VerifiedToken result;
    auto sub = claims.find("sub");
    if (sub != claims.end() && !sub->is_string()) {
        return refuse(TokenStatus::invalid, "sub is not a string");
    }
    if (const char* why = read_info(claims, result.info)) {
        return refuse(TokenStatus::invalid, why);
    }

    if (std::optional<VerifiedToken> refusal = time_refusal(claims, now)) {
        return std::move(*refusal);
    }
    result.status = TokenStatus::ok;
    result.sub = sub == claims.end() ? std::string() : sub->get<std::string>();
    return result;
}

} // namespace

VerifiedToken verify_connection_token(std::string_view token,
                                      std::string_view secret,
                                      std::chrono::system_clock::time_point now)
{
    if (secret.empty()) {
        return refuse(TokenStatus::invalid, "no token secret is configured");
    }

    std::optional<TokenParts> parts = split_token(token);
    if (!parts) {
        return refuse(TokenStatus::invalid, "token is not three dot-separated parts");
    }
    if (const char* why = header_refusal(parts->header)) {
        return refuse(TokenStatus::invalid, why);
    }

    // The payload is read only once the signature proves we issued it.
    if (!signature_matches(*parts, secret)) {
        return refuse(TokenStatus::invalid, "bad signature");
    }
    return read_claims(parts->payload, now);
}

} // namespace detail

std::string issue_token(const TokenClaims& claims, std::string_view hmac_secret)
{
    if (const char* why = detail::issue_refusal(claims, hmac_secret)) {
        detail::throw_error(errc::invalid_options, why);
    }

    std::string token = detail::sign_claims(claims, hmac_secret);
    if (token.empty()) {
        detail::throw_error(errc::internal, "issue_token: HMAC-SHA256 failed");
    }
    return token;
}

std::string issue_token(const TokenClaims& claims,
                        std::string_view hmac_secret,
                        std::error_code& ec) noexcept
{
    ec.clear();
    if (detail::issue_refusal(claims, hmac_secret) != nullptr) {
        ec = errc::invalid_options;
        return {};
    }

    // Only allocation can throw past the checks above.
    try {
        std::string token = detail::sign_claims(claims, hmac_secret);
        if (token.empty()) {
            ec = errc::internal;
        }
        return token;
    } catch (const std::exception&) {
        ec = errc::internal;
        return {};
    }
}

} // namespace herald
