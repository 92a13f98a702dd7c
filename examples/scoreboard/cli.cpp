// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "cli.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace scoreboard {

namespace {

std::uint16_t parse_port(std::string_view text, std::string_view listen)
{
    unsigned value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value > 65535) {
        throw UsageError(fmt::format("--listen {}: the port must be 0..65535", listen));
    }
    return static_cast<std::uint16_t>(value);
}

// "127.0.0.1:8000", "localhost:8000" or "[::1]:8000".
void parse_listen(std::string_view listen, Config& config)
{
    std::size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw UsageError(fmt::format("--listen {}: expected HOST:PORT", listen));
    }

    std::string_view host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    config.host = std::string(host);
    config.port = parse_port(listen.substr(colon + 1), listen);
}

// Splits "--flag=value" and takes the value of "--flag value" from the
// next argument.
class ArgReader {
public:
    ArgReader(int argc, const char* const* argv) : argc_(argc), argv_(argv) {}

    bool next(std::string_view& flag)
    {
        if (++index_ >= argc_) {
            return false;
        }
        flag = argv_[index_];
        inline_value_.reset();
        std::size_t eq = flag.find('=');
        if (flag.substr(0, 2) == "--" && eq != std::string_view::npos) {
            inline_value_ = std::string(flag.substr(eq + 1));
            flag = flag.substr(0, eq);
        }
        return true;
    }

    std::string value(std::string_view flag)
    {
        if (inline_value_) {
            std::string v = std::move(*inline_value_);
            inline_value_.reset();
            return require_non_empty(flag, std::move(v));
        }
        if (index_ + 1 >= argc_) {
            throw UsageError(fmt::format("{} needs a value", flag));
        }
        return require_non_empty(flag, argv_[++index_]);
    }

    void no_value(std::string_view flag) const
    {
        if (inline_value_) {
            throw UsageError(fmt::format("{} takes no value", flag));
        }
    }

private:
    static std::string require_non_empty(std::string_view flag, std::string v)
    {
        if (v.empty()) {
            throw UsageError(fmt::format("{} needs a non-empty value", flag));
        }
        return v;
    }

    int argc_;
    const char* const* argv_;
    int index_ = 0;
    std::optional<std::string> inline_value_;
};

} // namespace

Config parse_args(int argc, const char* const* argv, std::string assets_dir)
{
    Config config;
    config.assets_dir = std::move(assets_dir);

    ArgReader args(argc, argv);
    std::string_view flag;
    while (args.next(flag)) {
        if (flag == "--listen") {
            parse_listen(args.value(flag), config);
        } else if (flag == "--api-key") {
            config.api_key = args.value(flag);
        } else if (flag == "--token-secret") {
            config.token_secret = args.value(flag);
        } else if (flag == "--assets") {
            config.assets_dir = args.value(flag);
        } else if (flag == "--redis") {
            config.redis = args.value(flag);
        } else if (flag == "--no-simulator") {
            args.no_value(flag);
            config.simulator = false;
        } else if (flag == "--help" || flag == "-h") {
            args.no_value(flag);
            config.help = true;
        } else {
            throw UsageError(fmt::format("unknown argument \"{}\"", flag));
        }
    }
    return config;
}

std::string usage(std::string_view program, std::string_view default_assets)
{
    return fmt::format(
        "Usage: {} [options]\n"
        "\n"
        "A live football scoreboard served by herald: simulated matches are\n"
        "published to the channels match:<id>, and the page at / follows them\n"
        "with centrifuge-js.\n"
        "\n"
        "Options:\n"
        "  --listen HOST:PORT    address to serve on (default 127.0.0.1:8000;\n"
        "                        port 0 picks a free one)\n"
        "  --api-key KEY         key of the server API at /api (X-API-Key header);\n"
        "                        without it the server API refuses every request\n"
        "  --token-secret SECRET HMAC secret of connection tokens; the page then\n"
        "                        fetches a token from /token. Without it viewers\n"
        "                        connect anonymously\n"
        "  --no-simulator        publish nothing by itself: the board only changes\n"
        "                        through /api/publish\n"
        "  --assets DIR          directory holding web/ and node_modules/\n"
        "                        (default {})\n"
        "  --redis URL           share the channels with other nodes through\n"
        "                        Redis (redis://HOST:PORT); run the simulator\n"
        "                        on one node and --no-simulator on the others\n"
        "  -h, --help            show this text and exit\n"
        "\n"
        "Stop it with Ctrl-C (SIGINT) or SIGTERM.\n",
        program, default_assets);
}

} // namespace scoreboard
