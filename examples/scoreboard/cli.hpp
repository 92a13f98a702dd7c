// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace scoreboard {

/// What the command line asked for.
struct Config {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;
    std::string api_key;      ///< empty: the server API refuses everything
    std::string token_secret; ///< empty: anonymous viewers
    bool simulator = true;
    std::string assets_dir;   ///< holds web/ and node_modules/
    std::string redis;        ///< redis://HOST:PORT; empty: a single node
    bool help = false;
};

/// A command line that cannot be used; what() says why.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads the flags in `argv`; throws UsageError for an unknown flag, a
/// missing value or a value out of range. `assets_dir` is the default of
/// --assets.
Config parse_args(int argc, const char* const* argv, std::string assets_dir);

/// The --help text.
std::string usage(std::string_view program, std::string_view default_assets);

} // namespace scoreboard
