// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

namespace herald {

/// What a connection token says about its holder.
struct TokenClaims {
    /// The user id; empty for an anonymous connection.
    std::string sub;

    /// When the token stops being accepted. The epoch (the default) issues a
    /// token without `exp`, which never expires.
    std::chrono::system_clock::time_point expires{};

    /// One JSON value (usually an object) that other clients see as the
    /// connection's `conn_info`; empty for none.
    std::string info;
};

/// Issues a connection token: a compact JWT signed with HMAC-SHA256
/// (`{"alg":"HS256","typ":"JWT"}`) that a Hub with the same
/// HubOptions::token_hmac_secret accepts. Hosts hand it to their clients
/// (centrifuge-js `token` or `getToken`). Throws std::system_error with
/// errc::invalid_options when `hmac_secret` is empty or `claims.info` is not
/// JSON. Thread-safe.
std::string issue_token(const TokenClaims& claims, std::string_view hmac_secret);

/// As above, but reports failures through `ec` and returns an empty string.
std::string issue_token(const TokenClaims& claims,
                        std::string_view hmac_secret,
                        std::error_code& ec) noexcept;

} // namespace herald
