// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/herald.hpp>
#include <herald/websocket.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>

std::atomic<bool> running{true};

int main()
{
    herald::HubOptions options;
    options.namespaces["ticks"] = {}; // allows channels named "ticks:..."
    herald::Hub hub(options);

    herald::WebSocketServer server(hub, {}); // ws://127.0.0.1:8000/connection/websocket
    server.start();

    std::signal(SIGINT, [](int) { running = false; });
    for (int tick = 0; running; ++tick) {
        hub.publish("ticks:clock", "{\"tick\":" + std::to_string(tick) + "}");
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}
