// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// What a benchmark client says and understands, per target, apart from the
// WebSocket library that carries it.

#include "bench.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

/// Where a client's protocol handler reports what happened.
class ClientEvents {
public:
    virtual ~ClientEvents() = default;

    /// Sends one text message to the server.
    virtual void send(const std::string& text) = 0;

    /// The client is subscribed and waits for publications.
    virtual void subscribed() = 0;

    /// Publication `index`, published at `sent_ns` (now_ns()), arrived.
    virtual void delivered(std::uint32_t index, std::int64_t sent_ns) = 0;

    /// The server refused the client; it will not subscribe.
    virtual void refused() = 0;
};

/// The client side of one target's protocol.
class ClientProtocol {
public:
    explicit ClientProtocol(Target target);

    /// The WebSocket URI of the server at 127.0.0.1:`port`.
    std::string uri(std::uint16_t port) const;

    /// Called once the WebSocket is open.
    void on_open(ClientEvents& events) const;

    /// Called with each text message from the server.
    void on_message(std::string_view text, ClientEvents& events) const;

private:
    void herald_reply(std::string_view line, ClientEvents& events) const;
    void socketio_packet(std::string_view packet, ClientEvents& events) const;

    Target target_;
    std::string connect_;   // herald: the connect command
    std::string subscribe_; // herald and Socket.IO: the subscribe message
};

/// The marker publications carry: "HB|<index>|<publish time ns>|".
inline constexpr std::string_view stamp_prefix = "HB|";

/// The stamp for publication `index` published at `sent_ns`.
std::string make_stamp(std::uint32_t index, std::int64_t sent_ns);

/// Finds a stamp in `text`; false when there is none.
bool find_stamp(std::string_view text, std::uint32_t& index, std::int64_t& sent_ns);

} // namespace bench
