// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-scoreboard: a host program that embeds herald. It keeps the
// authoritative state of a few simulated football matches, publishes every
// change to match:<id>, and serves a page that follows them live.

#include "cli.hpp"
#include "engine.hpp"
#include "scoreboard.hpp"
#include "simulator.hpp"
#include "web.hpp"

#include <herald/herald.hpp>
#include <herald/websocket.hpp>
#ifdef HERALD_SCOREBOARD_REDIS
#include <herald/redis_broker.hpp>
#endif

#include <fmt/format.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <system_error>

#include <pthread.h>

namespace {

using namespace scoreboard;

// Ticks each match is played ahead before the board opens, so that a
// viewer finds one match about to start, one in the first half, one at
// half-time and one late in the second half.
constexpr std::array<int, 4> head_starts = {3, 30, 56, 90};

// One match minute per second: a whole match takes about two minutes.
constexpr std::chrono::milliseconds tick_period{1000};

void print_log(const herald::LogRecord& record)
{
    std::string line = fmt::format("herald-scoreboard [{}] {}: {}",
                                   herald::to_string(record.level),
                                   record.component,
                                   record.message);
    if (record.error) {
        line += fmt::format(" ({})", record.error.message());
    }
    line += '\n';

    // One write per record, so lines from several threads never interleave.
    std::fwrite(line.data(), 1, line.size(), stderr);
}

herald::HubOptions hub_options(const Config& config)
{
    herald::HubOptions options;
    options.namespaces.emplace("match", match_channel_options());
    options.api_key = config.api_key;
    options.token_hmac_secret = config.token_secret;
    options.log_sink = print_log;
    options.log_level = herald::LogLevel::info;
    return options;
}

// The in-memory broker (null) for a single node; a RedisBroker when the
// board is one of several nodes.
std::shared_ptr<herald::Broker> make_broker(const Config& config)
{
    if (config.redis.empty()) {
        return nullptr;
    }
#ifdef HERALD_SCOREBOARD_REDIS
    herald::RedisBrokerOptions options;
    std::error_code ec;
    herald::parse_redis_url(config.redis, options, ec);
    if (ec) {
        throw UsageError(fmt::format("--redis {}: expected redis://HOST:PORT", config.redis));
    }
    return std::make_shared<herald::RedisBroker>(std::move(options));
#else
    throw UsageError("--redis: herald was built without herald::redis (HERALD_WITH_REDIS)");
#endif
}

std::vector<MatchState> opening_matches(MatchEngine& engine, TeamPool& pool)
{
    std::vector<MatchState> matches;
    for (std::size_t i = 0; i < head_starts.size(); ++i) {
        MatchState match = engine.new_match(std::to_string(i + 1), pool);
        for (int t = 0; t < head_starts[i]; ++t) {
            engine.step(match, pool);
        }
        matches.push_back(std::move(match));
    }
    return matches;
}

// Blocks SIGINT and SIGTERM in this thread before any other starts, so
// every thread inherits the mask and only sigwait() below receives them.
sigset_t block_stop_signals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

void check_bundle(const Config& config, const herald::Logger& logger)
{
    std::filesystem::path bundle = centrifuge_bundle(config.assets_dir);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(bundle, ec)) {
        logger.log(herald::LogLevel::warn, "scoreboard",
                   fmt::format("{} is missing: run `npm ci` in {}; the page cannot "
                               "connect without it", bundle.string(), config.assets_dir));
    }
}

void announce(const Config& config, std::uint16_t port)
{
    bool v6 = config.host.find(':') != std::string::npos;
    std::string origin = v6 ? fmt::format("http://[{}]:{}", config.host, port)
                            : fmt::format("http://{}:{}", config.host, port);
    fmt::print("herald-scoreboard: serving {}/\n", origin);
    fmt::print("  WebSocket  {}/connection/websocket ({})\n", origin,
               config.token_secret.empty() ? "anonymous viewers" : "tokens from /token");
    fmt::print("  server API {}/api ({})\n", origin,
               config.api_key.empty() ? "off: no --api-key" : "X-API-Key");
    fmt::print("  simulator  {}\n", config.simulator ? "on" : "off (--no-simulator)");
    fmt::print("  broker     {}\n", config.redis.empty() ? "in memory (one node)" : config.redis);
    std::fflush(stdout);
}

int run(const Config& config)
{
    sigset_t stop_signals = block_stop_signals();

    herald::Hub hub(hub_options(config), make_broker(config));
    MatchEngine engine(MatchRules{}, std::random_device{}());
    TeamPool pool;
    std::vector<MatchState> matches = opening_matches(engine, pool);
    Scoreboard board(hub, std::move(matches), std::move(pool));
    check_bundle(config, hub.logger());

    herald::WebSocketOptions ws;
    ws.host = config.host;
    ws.port = config.port;
    ws.http_handler = make_http_handler(board, {config.assets_dir, config.token_secret},
                                        hub.logger());
    herald::WebSocketServer server(hub, std::move(ws));
    std::error_code ec;
    server.start(ec);
    if (ec) {
        fmt::print(stderr, "herald-scoreboard: cannot listen on {}:{}: {}\n",
                   config.host, config.port, ec.message());
        return 1;
    }
    announce(config, server.port());

    Simulator simulator(board, engine, tick_period);
    if (config.simulator) {
        simulator.start();
    }

    int signal = 0;
    sigwait(&stop_signals, &signal);
    hub.logger().log(herald::LogLevel::info, "scoreboard",
                     fmt::format("stopping on signal {}", signal));
    simulator.stop();
    server.stop();
    hub.shutdown();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    Config config;
    try {
        config = parse_args(argc, argv, HERALD_SCOREBOARD_ASSETS);
    } catch (const UsageError& e) {
        fmt::print(stderr, "herald-scoreboard: {}\nTry `herald-scoreboard --help`.\n",
                   e.what());
        return 2;
    }
    if (config.help) {
        fmt::print("{}", usage("herald-scoreboard", HERALD_SCOREBOARD_ASSETS));
        return 0;
    }

    try {
        return run(config);
    } catch (const UsageError& e) {
        fmt::print(stderr, "herald-scoreboard: {}\nTry `herald-scoreboard --help`.\n",
                   e.what());
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "herald-scoreboard: {}\n", e.what());
        return 1;
    }
}
