// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
//
// Links against an installed herald and exercises it end to end in-process:
// a hub publishes into a channel with history, reads it back, and a
// WebSocket server binds a free port. Exits non-zero on any mismatch.

#include <herald/herald.hpp>
#include <herald/websocket.hpp>

#include <cstdio>
#include <string>

namespace {

int fail(const std::string& what)
{
    std::fprintf(stderr, "herald-consumer: %s\n", what.c_str());
    return 1;
}

} // namespace

int main()
{
    herald::HubOptions options;
    herald::ChannelOptions news;
    news.history_size = 10;
    news.history_ttl = std::chrono::seconds(60);
    options.namespaces["news"] = news;
    herald::Hub hub(options);

    auto first = hub.publish("news:today", R"({"n":1})");
    auto second = hub.publish("news:today", R"({"n":2})");
    if (second.position.offset != first.position.offset + 1) {
        return fail("offsets are not consecutive");
    }

    herald::HistoryQuery query;
    query.limit = -1;
    auto history = hub.history("news:today", query);
    if (history.publications.size() != 2 || history.top != second.position) {
        return fail("history does not hold both publications");
    }

    herald::WebSocketOptions ws;
    ws.port = 0;
    herald::WebSocketServer server(hub, ws);
    server.start();
    if (server.port() == 0) {
        return fail("the server did not report its port");
    }
    server.stop();
    std::printf("herald-consumer: ok (herald %s)\n", herald::version_string);
    return 0;
}
