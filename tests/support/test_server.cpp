// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-test-server: a herald node for the JS and browser tests. It prints
// "LISTENING <port>" once it accepts connections and stops cleanly on
// SIGINT or SIGTERM. Run with --help for its flags.

#include <herald/herald.hpp>
#include <herald/websocket.hpp>
#ifdef HERALD_TEST_SERVER_REDIS
#include <herald/redis_broker.hpp>
#endif

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace {

constexpr const char* usage =
    "usage: herald-test-server [--port N] [--token-secret S] [--api-key K]\n"
    "    [--ping-interval SEC] [--pong-timeout SEC] [--stale-timeout SEC]\n"
    "    [--client-queue-max-bytes N] [--channel-limit N] [--threads N]\n"
    "    [--fanout-threads N] [--fanout-queue-max-bytes N] [--batch-writes 0|1]\n"
    "    [--log-level trace|debug|info|warn|error|off] [--redis redis://HOST:PORT]\n";

struct Flags {
    std::uint16_t port = 0;
    std::string token_secret;
    std::string api_key = "test-key";
    long ping_interval = 25;
    long pong_timeout = 8;
    long stale_timeout = 10;
    std::optional<std::size_t> client_queue_max_bytes;
    std::optional<std::size_t> channel_limit;
    unsigned threads = 0;
    unsigned fanout_threads = 0;
    std::optional<std::size_t> fanout_queue_max_bytes;
    bool batch_writes = true;
    herald::LogLevel log_level = herald::LogLevel::warn;
    std::string redis; ///< empty: the in-memory broker
};

template <class Number>
Number parse_number(std::string_view flag, std::string_view text)
{
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument(std::string(flag) + ": not a number: " + std::string(text));
    }
    return value;
}

herald::LogLevel parse_level(std::string_view text)
{
    for (auto level : {herald::LogLevel::trace, herald::LogLevel::debug, herald::LogLevel::info,
                       herald::LogLevel::warn, herald::LogLevel::error, herald::LogLevel::off}) {
        if (herald::to_string(level) == text) {
            return level;
        }
    }
    throw std::invalid_argument("--log-level: unknown level: " + std::string(text));
}

void apply_flag(Flags& flags, std::string_view flag, std::string_view value)
{
    if (flag == "--port") {
        flags.port = parse_number<std::uint16_t>(flag, value);
    } else if (flag == "--token-secret") {
        flags.token_secret = value;
    } else if (flag == "--api-key") {
        flags.api_key = value;
    } else if (flag == "--ping-interval") {
        flags.ping_interval = parse_number<long>(flag, value);
    } else if (flag == "--pong-timeout") {
        flags.pong_timeout = parse_number<long>(flag, value);
    } else if (flag == "--stale-timeout") {
        flags.stale_timeout = parse_number<long>(flag, value);
    } else if (flag == "--client-queue-max-bytes") {
        flags.client_queue_max_bytes = parse_number<std::size_t>(flag, value);
    } else if (flag == "--channel-limit") {
        flags.channel_limit = parse_number<std::size_t>(flag, value);
    } else if (flag == "--threads") {
        flags.threads = parse_number<unsigned>(flag, value);
    } else if (flag == "--fanout-threads") {
        flags.fanout_threads = parse_number<unsigned>(flag, value);
    } else if (flag == "--fanout-queue-max-bytes") {
        flags.fanout_queue_max_bytes = parse_number<std::size_t>(flag, value);
    } else if (flag == "--batch-writes") {
        flags.batch_writes = parse_number<unsigned>(flag, value) != 0;
    } else if (flag == "--log-level") {
        flags.log_level = parse_level(value);
    } else if (flag == "--redis") {
        flags.redis = value;
    } else {
        throw std::invalid_argument("unknown flag: " + std::string(flag));
    }
}

Flags parse_flags(int argc, char** argv)
{
    Flags flags;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (i + 1 == argc) {
            throw std::invalid_argument(std::string(flag) + ": missing value");
        }
        apply_flag(flags, flag, argv[i + 1]);
    }
    return flags;
}

herald::ChannelOptions history_options(std::size_t size, long ttl_seconds)
{
    herald::ChannelOptions options;
    options.history_size = size;
    options.history_ttl = std::chrono::seconds(ttl_seconds);
    return options;
}

// The namespaces the JS tests rely on; see the test helpers for their use.
void add_namespaces(herald::HubOptions& options)
{
    auto& rec = options.namespaces["rec"] = history_options(100, 300);
    rec.recovery = true;
    rec.presence = true;
    rec.allow_history = true;

    auto& pub = options.namespaces["pub"] = history_options(10, 60);
    pub.allow_publish = true;
    pub.recovery = true;

    auto& noanon = options.namespaces["noanon"] = history_options(10, 60);
    noanon.allow_anonymous = false;
}

herald::HubOptions hub_options(const Flags& flags)
{
    herald::HubOptions options;
    add_namespaces(options);
    options.token_hmac_secret = flags.token_secret;
    options.api_key = flags.api_key;
    options.node_name = "herald-test-server";
    options.ping_interval = std::chrono::seconds(flags.ping_interval);
    options.pong_timeout = std::chrono::seconds(flags.pong_timeout);
    options.stale_timeout = std::chrono::seconds(flags.stale_timeout);
    if (flags.client_queue_max_bytes) {
        options.client_queue_max_bytes = *flags.client_queue_max_bytes;
    }
    if (flags.channel_limit) {
        options.client_channel_limit = *flags.channel_limit;
    }
    options.fanout_threads = flags.fanout_threads;
    if (flags.fanout_queue_max_bytes) {
        options.fanout_queue_max_bytes = *flags.fanout_queue_max_bytes;
    }

    options.log_level = flags.log_level;
    options.log_sink = [](const herald::LogRecord& record) {
        std::fprintf(stderr, "[%.*s] %.*s: %.*s%s%s\n",
                     static_cast<int>(herald::to_string(record.level).size()),
                     herald::to_string(record.level).data(),
                     static_cast<int>(record.component.size()), record.component.data(),
                     static_cast<int>(record.message.size()), record.message.data(),
                     record.error ? " - " : "", record.error ? record.error.message().c_str() : "");
    };
    return options;
}

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Decodes %XX escapes and '+' of a query value ("rec%3Aa" is "rec:a").
std::string percent_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
        if (text[i] == '%' && high >= 0 && low >= 0) {
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(text[i] == '+' ? ' ' : text[i]);
        }
    }
    return out;
}

// The value of `key` in an application/x-www-form-urlencoded query.
std::optional<std::string> query_value(std::string_view query, std::string_view key)
{
    while (!query.empty()) {
        const std::size_t end = std::min(query.find('&'), query.size());
        const std::string_view field = query.substr(0, end);
        const std::size_t eq = field.find('=');
        if (eq != std::string_view::npos && field.substr(0, eq) == key) {
            return percent_decode(field.substr(eq + 1));
        }
        query.remove_prefix(std::min(end + 1, query.size()));
    }
    return std::nullopt;
}

void json_reply(herald::HttpResponse& response, int status, std::string body)
{
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
}

// Routes only the tests need: reset a channel's stream as a broker restart
// would (in-memory broker only), and a health probe the harness polls.
herald::HttpHandler test_routes(std::shared_ptr<herald::MemoryBroker> broker)
{
    return [broker](const herald::HttpRequest& request, herald::HttpResponse& response) {
        if (request.path == "/test/health") {
            json_reply(response, 200, R"({"ok":true})");
            return true;
        }
        if (request.path != "/test/reset_stream") {
            return false;
        }

        const auto channel = query_value(request.query, "channel");
        if (!broker) {
            json_reply(response, 501, R"({"error":"not with --redis"})");
        } else if (request.method != "POST") {
            json_reply(response, 405, R"({"error":"method not allowed"})");
        } else if (!channel || channel->empty()) {
            json_reply(response, 400, R"({"error":"channel is required"})");
        } else {
            broker->reset_stream(*channel);
            json_reply(response, 200, "{}");
        }
        return true;
    };
}

// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so
// that sigwait() below is the only place they land.
sigset_t block_stop_signals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

std::shared_ptr<herald::Broker> redis_broker(const std::string& url)
{
#ifdef HERALD_TEST_SERVER_REDIS
    herald::RedisBrokerOptions options;
    herald::parse_redis_url(url, options);
    return std::make_shared<herald::RedisBroker>(options);
#else
    (void)url;
    throw std::invalid_argument("--redis: built without herald::redis");
#endif
}

int run(const Flags& flags)
{
    const sigset_t signals = block_stop_signals();

    std::shared_ptr<herald::MemoryBroker> memory;
    std::shared_ptr<herald::Broker> broker;
    if (flags.redis.empty()) {
        broker = memory = std::make_shared<herald::MemoryBroker>();
    } else {
        broker = redis_broker(flags.redis);
    }
    herald::Hub hub(hub_options(flags), broker);

    herald::WebSocketOptions ws;
    ws.port = flags.port;
    ws.threads = flags.threads;
    ws.batch_writes = flags.batch_writes;
    ws.http_handler = test_routes(memory);
    herald::WebSocketServer server(hub, ws);
    server.start();

    std::printf("LISTENING %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);

    int received = 0;
    sigwait(&signals, &received);

    server.stop();
    hub.shutdown();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 2 && std::string_view(argv[1]) == "--help") {
        std::fputs(usage, stdout);
        return 0;
    }

    try {
        return run(parse_flags(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "herald-test-server: %s\n%s", e.what(), usage);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald-test-server: %s\n", e.what());
        return 1;
    }
}
