// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// One run's figures, and how they are printed.

#include "bench.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

/// Percentiles of a set of durations, in milliseconds.
struct Spread {
    double p50 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
};

/// Nearest-rank percentiles of `ns` (sorted in place); zeros when empty.
Spread spread_ms(std::vector<std::int64_t>& ns);

/// Everything one run measured.
struct RunReport {
    Target target = Target::herald;
    std::size_t clients = 0;
    std::size_t publications = 0;
    std::size_t size = 0;
    double rate = 0;
    unsigned workers = 0;
    std::string error; ///< why the run could not finish, or empty

    std::uint64_t subscribed = 0;
    std::uint64_t failed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t expected = 0; ///< clients x publications
    std::uint64_t delivered = 0;
    std::size_t published_ok = 0;
    std::size_t published_failed = 0;
    double publish_span_s = 0; ///< first to last publication
    double answer_span_s = 0;  ///< first publication to its last answer
    double fanout_s = 0;       ///< first publication to the last delivery

    Spread latency;       ///< per delivery
    Spread last_device;   ///< per publication: its slowest delivery
    double connect_s = 0; ///< until all clients subscribed

    std::size_t nodes = 1;   ///< herald processes; server figures sum them
    double server_cpu_s = 0; ///< while publishing
    double redis_cpu_s = 0;  ///< redis-server, while publishing
    double server_connect_cpu_s = 0;
    double server_idle_cpu_per_s = 0; ///< CPU seconds per second, before
    double publish_window_s = 0;      ///< first publication to the drain
    std::uint64_t server_rss_before_kb = 0;
    std::uint64_t server_rss_idle_kb = 0; ///< all clients subscribed, idle
    std::uint64_t server_peak_rss_kb = 0;
    double loadgen_cpu_s = 0; ///< workers and publisher, while publishing
    double loadgen_total_cpu_s = 0;

    /// True when every expected publication reached every client.
    bool complete() const { return error.empty() && expected > 0 && delivered == expected; }
};

/// The report as JSON, with derived figures (per-delivery CPU, RSS per
/// connection, delivery rate).
nlohmann::json to_json(const RunReport& report);

/// A readable table of `reports`, one row each.
std::string to_table(const std::vector<RunReport>& reports);

} // namespace bench
