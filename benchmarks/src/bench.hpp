// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Types shared by herald-bench's coordinator and its client workers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

/// The server under test and the protocol its clients speak.
enum class Target {
    herald,   ///< herald-bench-server, Centrifugo client protocol v2 (JSON)
    ws,       ///< the `ws` peer: plain broadcast to every client
    socketio, ///< the Socket.IO 4 peer: broadcast to a room
    /// one herald-bench-server on a Redis of its own: clients and
    /// publisher on that node
    herald_redis1,
    /// two herald-bench-servers on one Redis: clients on node B, the
    /// publisher on node A
    herald_redis,
};

/// "herald", "ws", "socketio", "herald-redis1" or "herald-redis".
std::string_view to_string(Target target) noexcept;

/// The protocol `target`'s clients speak: herald for the Redis layouts.
Target protocol_of(Target target) noexcept;

/// True for the layouts that run herald on a redis-server.
bool uses_redis(Target target) noexcept;

/// How many server processes `target` runs (two for herald-redis).
std::size_t node_count(Target target) noexcept;

/// The target named `name`, or nothing.
std::optional<Target> parse_target(std::string_view name) noexcept;

/// The channel (or room) every client subscribes to.
inline constexpr std::string_view channel = "bench";

/// CLOCK_MONOTONIC in nanoseconds: one clock for every process on the box.
std::int64_t now_ns() noexcept;

/// This process's user + system CPU time in nanoseconds (getrusage).
std::int64_t self_cpu_ns() noexcept;

/// What one client worker measured, passed back through a file.
struct WorkerResult {
    std::uint64_t subscribed = 0;           ///< clients that completed subscribe
    std::uint64_t failed = 0;               ///< clients that never subscribed
    std::uint64_t dropped = 0;              ///< subscribed clients closed mid-run
    std::uint64_t received = 0;             ///< publications delivered, all clients
    std::int64_t last_subscribed_ns = 0;    ///< now_ns() of the last subscribe
    std::int64_t cpu_ready_ns = 0;          ///< self_cpu_ns() once all subscribed
    std::int64_t cpu_done_ns = 0;           ///< self_cpu_ns() when finished
    std::vector<std::int64_t> latencies_ns; ///< one per delivery
    std::vector<std::int64_t> pub_last_ns;  ///< per publication: slowest
    std::vector<std::uint32_t> pub_count;   ///< per publication: deliveries
};

/// Writes `result` to `path`; false on an I/O error.
bool save(const WorkerResult& result, const std::string& path);

/// Reads what save() wrote; nothing when the file is missing or short.
std::optional<WorkerResult> load(const std::string& path);

/// What a worker is asked to do.
struct WorkerSpec {
    Target target = Target::herald;
    std::string source_address; ///< 127.0.0.x to bind clients to
    std::uint16_t port = 0;     ///< the server's port on 127.0.0.1
    std::size_t clients = 0;
    std::size_t publications = 0;  ///< how many each client should get
    std::size_t max_in_flight = 0; ///< handshakes under way at once
    double connect_timeout_s = 0;
    int up_fd = -1;   ///< progress lines to the coordinator
    int down_fd = -1; ///< "STOP" from the coordinator
    std::string result_path;
};

/// Runs the worker in this (forked) process; returns its exit status.
/// Progress lines are "P <subscribed> <failed>", then "R ..." once every
/// client has subscribed or failed, then "D" once the result is saved.
int run_worker(const WorkerSpec& spec);

} // namespace bench
