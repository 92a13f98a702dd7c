// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/redis_broker.hpp>

#include <herald/error.hpp>

#include <charconv>

namespace herald {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port)
{
    std::uint16_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
        return false;
    }
    port = value;
    return true;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

// Undoes URL percent-encoding ("%40" is '@'); false on a broken escape.
bool percent_decode(std::string_view text, std::string& out)
{
    out.clear();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            return false;
        }
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return true;
}

// "USER:PASSWORD" or ":PASSWORD"; a user without a password is refused,
// as AUTH needs one.
bool parse_userinfo(std::string_view text, RedisBrokerOptions& out)
{
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon + 1 == text.size()) {
        return false;
    }
    return percent_decode(text.substr(0, colon), out.username) &&
           percent_decode(text.substr(colon + 1), out.password);
}

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT". One plain-TCP server only:
// rediss:// (TLS), Sentinel and Cluster addresses are refused as malformed,
// and docs/redis.md says so.
bool parse_authority(std::string_view text, RedisBrokerOptions& out)
{
    std::string_view host = text;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1)) {
            return false;
        }
        port = rest.empty() ? rest : rest.substr(1);
    } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty()) {
            return false;
        }
    }
    if (host.empty() || host.find_first_of("@/?#") != std::string_view::npos) {
        return false;
    }
    if (!port.empty() && !parse_port(port, out.port)) {
        return false;
    }
    out.host = std::string(host);
    return true;
}

} // namespace

void parse_redis_url(std::string_view url,
                     RedisBrokerOptions& options,
                     std::error_code& ec) noexcept
{
    constexpr std::string_view scheme = "redis://";
    if (url.substr(0, scheme.size()) == scheme) {
        url.remove_prefix(scheme.size());
    } else if (url.find("://") != std::string_view::npos) {
        // rediss://:pw@h would otherwise parse as user "rediss" on plain
        // TCP, silently dropping the TLS the caller asked for.
        ec = make_error_code(errc::invalid_options);
        return;
    }
    // Database 0 is the only one: PUB/SUB ignores databases anyway.
    if (url.size() >= 2 && url.substr(url.size() - 2) == "/0") {
        url.remove_suffix(2);
    } else if (!url.empty() && url.back() == '/') {
        url.remove_suffix(1);
    }

    RedisBrokerOptions parsed = options;
    try {
        // The last '@' ends the user info: a password may hold an '@' that
        // was not encoded, a host never does.
        std::string_view authority = url;
        bool ok = true;
        if (auto at = url.rfind('@'); at != std::string_view::npos) {
            ok = parse_userinfo(url.substr(0, at), parsed);
            authority = url.substr(at + 1);
        }
        if (!ok || !parse_authority(authority, parsed)) {
            ec = make_error_code(errc::invalid_options);
            return;
        }
        options = std::move(parsed);
        ec.clear();
    } catch (...) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    }
}

void parse_redis_url(std::string_view url, RedisBrokerOptions& options)
{
    std::error_code ec;
    parse_redis_url(url, options, ec);
    if (ec) {
        detail::throw_error(ec, "herald::parse_redis_url");
    }
}

} // namespace herald
