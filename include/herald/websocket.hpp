// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/server_api.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace herald {

class Hub;

/// Answers an HTTP request that is neither the WebSocket endpoint nor the
/// server API (a web page, a health check). Return false for 404.
using HttpHandler = std::function<bool(const HttpRequest&, HttpResponse&)>;

/// Settings of a WebSocketServer.
struct WebSocketOptions {
    std::string host = "127.0.0.1";  ///< address to listen on
    std::uint16_t port = 8000;       ///< 0 picks a free port (see port())
    unsigned threads = 0;            ///< I/O threads; 0: one per core
    std::string websocket_path = "/connection/websocket";
    bool enable_server_api = true;   ///< serve ServerApi under /api
    HttpHandler http_handler;        ///< everything else; 404 when empty
    int listen_backlog = 4096;

    /// Submit the writes of one fan-out pass to the kernel together through
    /// io_uring, when herald was built with liburing and the kernel allows
    /// it; otherwise, or when false, each write is its own send.
    bool batch_writes = true;
};

/// Serves a Hub over WebSocket (the Centrifugo JSON protocol at
/// websocket_path) and HTTP (the server API and the host's handler) on one
/// port. Built on websocketpp and standalone Asio, which stay out of this
/// header. Destroy it before the Hub.
class WebSocketServer {
public:
    WebSocketServer(Hub& hub, WebSocketOptions options);
    ~WebSocketServer();

    WebSocketServer(const WebSocketServer&) = delete;
    WebSocketServer& operator=(const WebSocketServer&) = delete;

    /// Binds, listens and starts the I/O threads. Throws std::system_error
    /// (or sets `ec`) when the address cannot be bound.
    void start();
    void start(std::error_code& ec) noexcept;

    /// The port listened on; useful after asking for port 0.
    std::uint16_t port() const noexcept;

    /// Stops accepting, closes every connection (3001 "shutdown") and joins
    /// the I/O threads. Idempotent.
    void stop();

    /// Blocks until stop() has finished, from another thread or a signal.
    void wait();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace herald
