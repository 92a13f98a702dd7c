// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace herald {

/// Errors herald reports. The values below 1000 are the Centrifugo protocol's
/// reply error codes and travel to clients as they are; the others stay
/// inside the process.
enum class errc {
    internal = 100,               ///< a fault on the server side; retryable
    unauthorized = 101,           ///< credentials missing or refused
    unknown_channel = 102,        ///< the channel's namespace is not configured
    permission_denied = 103,      ///< the operation is not allowed here
    method_not_found = 104,       ///< the command is not supported
    already_subscribed = 105,     ///< one subscription per channel per client
    limit_exceeded = 106,         ///< too many channels on one connection
    bad_request = 107,            ///< malformed or invalid request
    not_available = 108,          ///< the feature is off for the channel
    token_expired = 109,          ///< the connection token has expired
    expired = 110,                ///< the connection has expired
    too_many_requests = 111,      ///< rate limit; retryable
    unrecoverable_position = 112, ///< the stream no longer holds that position
    invalid_options = 1001,       ///< a configuration value is out of range
    shut_down = 1002,             ///< the hub is shutting down
    broker_unavailable = 1003,    ///< the broker cannot be reached; retryable
};

/// The category of every `herald::errc` value, named "herald".
const std::error_category& error_category() noexcept;

/// Makes an error_code in herald's category.
inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

/// The protocol code a client receives for `ec`: herald's own protocol codes
/// pass through; anything else becomes 100 "internal server error".
std::uint32_t protocol_code(std::error_code ec) noexcept;

/// True for errors a client may retry (the protocol's `temporary` flag).
bool is_temporary(std::error_code ec) noexcept;

/// A reason to close a client connection: the code and text travel in the
/// WebSocket close frame. Codes 3000-3499 and 4000-4499 ask the client to
/// reconnect; 3500-3999 and 4500-4999 are final.
struct Disconnect {
    std::uint16_t code = 3000;
    std::string_view reason;

    /// True when the client is expected to reconnect after this disconnect.
    constexpr bool reconnect() const noexcept
    {
        return !((code >= 3500 && code < 4000) || (code >= 4500 && code < 5000));
    }
};

/// The protocol's disconnect reasons.
namespace disconnect {
inline constexpr Disconnect shutdown{3001, "shutdown"};
inline constexpr Disconnect internal{3004, "internal server error"};
inline constexpr Disconnect slow{3008, "slow"};
inline constexpr Disconnect write_error{3009, "write error"};
inline constexpr Disconnect insufficient_state{3010, "insufficient state"};
inline constexpr Disconnect force_reconnect{3011, "force reconnect"};
inline constexpr Disconnect no_pong{3012, "no pong"};
inline constexpr Disconnect invalid_token{3500, "invalid token"};
inline constexpr Disconnect bad_request{3501, "bad request"};
inline constexpr Disconnect stale{3502, "stale"};
inline constexpr Disconnect force_disconnect{3503, "force disconnect"};
inline constexpr Disconnect permission_denied{3507, "permission denied"};
inline constexpr Disconnect not_available{3508, "not available"};
} // namespace disconnect

namespace detail {

/// Throws std::system_error(ec, what). The single place herald throws from.
[[noreturn]] void throw_error(std::error_code ec, const char* what);

} // namespace detail
} // namespace herald

namespace std {
template <>
struct is_error_code_enum<herald::errc> : true_type {};
} // namespace std
