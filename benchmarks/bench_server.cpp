// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-bench-server: the herald node herald-bench measures. One channel
// namespace (the default one, no history), the server API on, and the
// contract herald-bench expects of every server: "LISTENING <port>" on
// stdout, and a clean stop on SIGTERM or SIGINT. With --redis it is one of
// several nodes sharing the channel through a RedisBroker.

#include <herald/herald.hpp>
#include <herald/websocket.hpp>
#ifdef HERALD_BENCH_REDIS
#include <herald/redis_broker.hpp>
#endif

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace {

constexpr const char* usage =
    "usage: herald-bench-server [--port N] [--api-key K] [--threads N]\n"
    "    [--fanout-threads N] [--batch-writes 0|1] [--ping-interval SEC]\n"
    "    [--queue-max-bytes N] [--fanout-queue-max-bytes N]\n"
    "    [--redis redis://HOST:PORT]\n";

struct Settings {
    unsigned long port = 0;
    std::string api_key = "bench-key";
    unsigned long threads = 0;
    unsigned long fanout_threads = 0;
    bool batch_writes = true;
    long ping_interval = -1; // -1: the hub's default
    unsigned long queue_max_bytes = 0; // 0: the hub's default
    long fanout_queue_max_bytes = -1;  // -1: the hub's default
    std::string redis;                 // empty: the in-memory broker
};

unsigned long to_number(const char* text)
{
    char* end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (end == text || *end != '\0') {
        throw std::invalid_argument(std::string("not a number: ") + text);
    }
    return value;
}

Settings read_settings(int argc, char** argv)
{
    Settings s;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        const char* value = argv[i + 1];
        if (name == "--port") {
            s.port = to_number(value);
        } else if (name == "--api-key") {
            s.api_key = value;
        } else if (name == "--threads") {
            s.threads = to_number(value);
        } else if (name == "--fanout-threads") {
            s.fanout_threads = to_number(value);
        } else if (name == "--ping-interval") {
            s.ping_interval = static_cast<long>(to_number(value));
        } else if (name == "--batch-writes") {
            s.batch_writes = to_number(value) != 0;
        } else if (name == "--queue-max-bytes") {
            s.queue_max_bytes = to_number(value);
        } else if (name == "--fanout-queue-max-bytes") {
            s.fanout_queue_max_bytes = static_cast<long>(to_number(value));
        } else if (name == "--redis") {
            s.redis = value;
        } else {
            throw std::invalid_argument("unknown flag " + std::string(name));
        }
    }
    if (argc % 2 == 0) {
        throw std::invalid_argument("every flag takes a value");
    }
    return s;
}

herald::HubOptions hub_options(const Settings& s)
{
    herald::HubOptions options;
    options.api_key = s.api_key;
    options.node_name = "herald-bench-server";
    options.fanout_threads = static_cast<unsigned>(s.fanout_threads);
    if (s.ping_interval >= 0) {
        options.ping_interval = std::chrono::seconds(s.ping_interval);
    }
    if (s.queue_max_bytes != 0) {
        options.client_queue_max_bytes = s.queue_max_bytes;
    }
    if (s.fanout_queue_max_bytes >= 0) {
        options.fanout_queue_max_bytes = static_cast<std::size_t>(s.fanout_queue_max_bytes);
    }
    options.log_level = herald::LogLevel::warn;
    options.log_sink = [](const herald::LogRecord& record) {
        const std::string text(record.message);
        std::fprintf(stderr, "herald-bench-server: %s\n", text.c_str());
    };
    return options;
}

// Null (the hub's in-memory broker) for one node on its own.
std::shared_ptr<herald::Broker> broker(const Settings& s)
{
    if (s.redis.empty()) {
        return nullptr;
    }
#ifdef HERALD_BENCH_REDIS
    herald::RedisBrokerOptions options;
    std::error_code ec;
    herald::parse_redis_url(s.redis, options, ec);
    if (ec) {
        throw std::invalid_argument("--redis: expected redis://HOST:PORT, not " + s.redis);
    }
    return std::make_shared<herald::RedisBroker>(std::move(options));
#else
    throw std::invalid_argument("--redis: built without herald::redis (HERALD_WITH_REDIS)");
#endif
}

void serve(const Settings& s)
{
    // Block the stop signals everywhere (the I/O threads inherit the mask)
    // and take them here, synchronously.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    herald::Hub hub(hub_options(s), broker(s));
    herald::WebSocketOptions ws;
    ws.port = static_cast<std::uint16_t>(s.port);
    ws.threads = static_cast<unsigned>(s.threads);
    ws.batch_writes = s.batch_writes;
    herald::WebSocketServer server(hub, ws);
    server.start();
    std::printf("LISTENING %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);

    int signal = 0;
    sigwait(&stop, &signal);
    server.stop();
    hub.shutdown();
}

} // namespace

int main(int argc, char** argv)
{
    try {
        serve(read_settings(argc, argv));
        return 0;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "herald-bench-server: %s\n%s", e.what(), usage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald-bench-server: %s\n", e.what());
        return 1;
    }
}
