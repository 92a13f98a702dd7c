// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// A real redis-server for the tests: started on a free loopback port with
// no persistence, stopped (and restarted, for failure tests) on demand, and
// killed with the test process at the latest.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace herald::test {

class RedisServer {
public:
    /// Starts redis-server on a free port of 127.0.0.1, with
    /// `--requirepass password` unless it is empty; throws when it does not
    /// answer PING within a few seconds.
    explicit RedisServer(std::string password = "");
    ~RedisServer();

    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    std::uint16_t port() const noexcept { return port_; }

    /// Stops the server (SIGTERM) and waits for it to exit; its data is gone.
    void stop();

    /// Starts it again on the same port.
    void start();

    /// Freezes the process (SIGSTOP): connections stay open, nothing answers.
    void pause();

    /// Lets a paused process go on (SIGCONT).
    void resume();

    /// Runs one command on a new blocking connection and returns the reply
    /// as text: a string, a status, an integer in decimal, or "ERR ..."; an
    /// array becomes its elements joined by spaces. Authenticates first
    /// when the server has a password.
    std::string command(const std::vector<std::string>& args) const;

private:
    std::uint16_t port_ = 0;
    std::string password_;
    pid_t pid_ = -1;
};

} // namespace herald::test
