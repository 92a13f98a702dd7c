// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Child processes of the coordinator: the server under test, and what
// /proc says about it.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

/// A server started by the benchmark. It must print "LISTENING <port>" on
/// stdout once it accepts connections, and stop on SIGTERM.
class ServerProcess {
public:
    /// Starts `argv` with the descriptor limit raised to the hard limit and
    /// waits up to `timeout_s` for its LISTENING line. Throws on failure.
    ServerProcess(const std::vector<std::string>& argv, double timeout_s);

    /// Starts `argv`, which listens on `port`, and waits up to `timeout_s`
    /// for a line holding `ready` on its stdout (a redis-server). Throws on
    /// failure.
    ServerProcess(const std::vector<std::string>& argv,
                  std::uint16_t port,
                  const std::string& ready,
                  double timeout_s);
    ~ServerProcess();

    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }

    std::uint16_t port() const noexcept { return port_; }

    /// SIGTERM, then SIGKILL if it has not exited within a few seconds.
    void stop();

private:
    void spawn(const std::vector<std::string>& argv);

    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    int stdout_fd_ = -1;
};

/// What /proc/<pid>/stat and /proc/<pid>/status say about a process.
struct ProcSample {
    double cpu_s = 0;         ///< user + system, all threads
    std::uint64_t rss_kb = 0; ///< VmRSS
    std::uint64_t hwm_kb = 0; ///< VmHWM, the peak RSS
};

/// Samples `pid`; nothing when it is gone.
std::optional<ProcSample> sample_process(pid_t pid);

/// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t free_loopback_port();

/// True when `program` names an executable file, itself or on the PATH.
bool executable_found(const std::string& program);

/// CPU seconds of this process's children that have been waited for.
double children_cpu_s();

/// Waits up to `timeout_s` for `pid`; true when it exited (status in
/// `status`).
bool wait_exit(pid_t pid, double timeout_s, int& status);

} // namespace bench
