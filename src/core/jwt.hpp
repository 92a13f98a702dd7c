// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Verification of connection tokens (JWT, HS256), the counterpart of
// herald::issue_token in <herald/token.hpp>.

#include <chrono>
#include <string>
#include <string_view>

namespace herald::detail {

/// How a token check ended.
enum class TokenStatus {
    ok,      ///< signed by us and current
    expired, ///< signed by us but past `exp` or before `nbf` (error 109)
    invalid, ///< anything else: malformed, wrong alg or signature (3500)
};

/// The outcome of a token check; `sub` and `info` are set only when ok.
struct VerifiedToken {
    TokenStatus status = TokenStatus::invalid;
    std::string sub;   ///< the user id; empty for anonymous
    std::string info;  ///< raw compact JSON for conn_info, or empty
    std::string error; ///< why the token was refused, for logs
};

/// Checks a connection token signed with HMAC-SHA256 under `secret` at the
/// time `now`. Only alg HS256 is accepted; a `channel` claim marks a
/// subscription token and is refused. Thread-safe.
VerifiedToken verify_connection_token(std::string_view token,
                                      std::string_view secret,
                                      std::chrono::system_clock::time_point now);

} // namespace herald::detail
