// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include "engine.hpp"
#include "scoreboard.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace scoreboard {

/// Plays the board's matches on a thread of its own: one tick of the engine
/// every `period`, published as it happens.
class Simulator {
public:
    Simulator(Scoreboard& board, MatchEngine& engine, std::chrono::milliseconds period);

    /// Stops the thread (see stop()).
    ~Simulator();

    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    /// Starts ticking. Call once.
    void start();

    /// Stops ticking and joins the thread. Idempotent.
    void stop();

private:
    void run();

    Scoreboard& board_;
    MatchEngine& engine_;
    const std::chrono::milliseconds period_;

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace scoreboard
