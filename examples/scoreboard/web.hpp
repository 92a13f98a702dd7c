// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include "scoreboard.hpp"

#include <herald/websocket.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace scoreboard {

/// What the page's HTTP routes need.
struct WebOptions {
    std::filesystem::path assets_dir; ///< holds web/ and node_modules/
    std::string token_secret;         ///< empty: no /token, anonymous viewers
    std::chrono::seconds token_lifetime{120};
};

/// The vendored centrifuge-js browser build under `assets_dir`.
std::filesystem::path centrifuge_bundle(const std::filesystem::path& assets_dir);

/// The example's HTTP routes: the page and its assets, /matches.json from
/// `board`, and /token when a secret is set. Anything else is a 404.
/// `board` and `logger` must outlive the handler.
herald::HttpHandler make_http_handler(Scoreboard& board,
                                      WebOptions options,
                                      const herald::Logger& logger);

} // namespace scoreboard
