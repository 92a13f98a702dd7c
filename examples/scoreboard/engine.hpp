// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include "match.hpp"

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace scoreboard {

/// The clubs not playing right now; a new fixture draws two of them.
class TeamPool {
public:
    /// A pool holding the example's ten clubs.
    TeamPool();

    /// Takes two different clubs out of the pool, at random. The pool must
    /// hold at least two.
    std::pair<Team, Team> draw(std::mt19937& rng);

    /// Puts clubs back after their match.
    void release(Team home, Team away);

private:
    Team take(std::mt19937& rng);

    std::vector<Team> free_;
};

/// Pace and odds of the simulated matches. One tick is one match minute.
struct MatchRules {
    int half_length = 45;
    int half_time_ticks = 5;   ///< the break between the halves
    int full_time_ticks = 10;  ///< how long a result stays before the next fixture
    int pre_match_ticks = 8;   ///< the countdown to kick-off
    double goal_chance = 0.022;   ///< per side and minute
    double yellow_chance = 0.018; ///< per side and minute
    double red_chance = 0.0015;   ///< per side and minute
};

/// Plays matches minute by minute: kick-off, goals, cards, the clock, half
/// time, full time, and a fresh fixture after it. Not thread-safe.
class MatchEngine {
public:
    MatchEngine(MatchRules rules, std::uint32_t seed);

    /// A scheduled match between two clubs from `pool`.
    MatchState new_match(std::string id, TeamPool& pool);

    /// Advances `match` by one tick and returns what happened; a plain
    /// minute passing is a "clock" event. Clubs of a finished match go back
    /// to `pool` when the next fixture is drawn.
    MatchEvent step(MatchState& match, TeamPool& pool);

private:
    MatchEvent step_scheduled(MatchState& match);
    MatchEvent step_live(MatchState& match);
    MatchEvent step_half_time(MatchState& match);
    MatchEvent step_full_time(MatchState& match, TeamPool& pool);
    MatchEvent play_minute(MatchState& match);
    bool chance(double p);
    const std::string& pick_player();

    MatchRules rules_;
    std::mt19937 rng_;
};

/// Records a notable event on the match (newest first, bounded).
void remember(MatchState& match, const MatchEvent& event);

} // namespace scoreboard
