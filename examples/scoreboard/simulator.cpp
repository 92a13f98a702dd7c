// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "simulator.hpp"

#include <algorithm>

namespace scoreboard {

Simulator::Simulator(Scoreboard& board, MatchEngine& engine, std::chrono::milliseconds period)
    : board_(board), engine_(engine), period_(period)
{
}

Simulator::~Simulator()
{
    stop();
}

void Simulator::start()
{
    thread_ = std::thread([this] { run(); });
}

void Simulator::stop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Simulator::run()
{
    // Ticks are scheduled from a fixed origin so that the time publishing
    // takes does not slow the match clock down; after a stall the clock
    // resumes instead of replaying the missed ticks in a burst.
    auto next = std::chrono::steady_clock::now() + period_;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
        lock.unlock();
        board_.tick(engine_);
        lock.lock();
        next = std::max(next + period_, std::chrono::steady_clock::now());
    }
}

} // namespace scoreboard
