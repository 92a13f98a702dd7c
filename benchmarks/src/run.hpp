// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// One benchmark run: start a server, connect and subscribe N clients over
// worker processes, publish, collect what arrived.

#include "bench.hpp"
#include "report.hpp"

#include <cstddef>
#include <string>

namespace bench {

/// Settings of one run.
struct RunOptions {
    Target target = Target::herald;
    std::size_t clients = 1000;
    std::size_t publications = 100;
    std::size_t size = 500;
    double rate = 10;
    unsigned workers = 0; ///< 0: one per clients_per_worker, at least one per core
    std::size_t clients_per_worker = 5000;
    std::size_t max_in_flight = 256; ///< handshakes per worker at once
    double connect_timeout_s = 120;
    double drain_timeout_s = 10; ///< after the last publication
    unsigned server_threads = 0; ///< herald's I/O threads; 0: one per core
    unsigned server_fanout_threads = 0; ///< herald's fan-out lanes; 0: one per core
    bool server_batch_writes = true;    ///< herald's io_uring batches, when built in
    std::size_t server_queue_max_bytes = 0; ///< herald's client queue limit; 0: default
    long server_fanout_queue_max_bytes = -1; ///< herald's fan-out queue limit; -1: default
    long server_ping_interval = -1; ///< herald's ping interval, s; 0: none; -1: default
    std::string server_bin;      ///< herald-bench-server
    std::string node = "node";
    std::string redis_server = "redis-server"; ///< for the herald-redis targets
    std::string peers_dir; ///< benchmarks/peers
    std::string api_key = "bench-key";
    bool progress = true; ///< a progress line on stderr
};

/// Runs once; never throws: a failure is in the report's `error`.
RunReport run_once(const RunOptions& options);

} // namespace bench
