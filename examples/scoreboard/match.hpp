// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <deque>
#include <string>

namespace scoreboard {

/// A club as the board shows it.
struct Team {
    std::string name;       ///< "Northport Rovers"
    std::string short_name; ///< "NOR"
    std::string color;      ///< CSS colour of the club, "#b23a48"
};

/// Where a match stands.
enum class Status { scheduled, live, half_time, full_time };

/// Something that happened in a match; every publication carries one.
struct MatchEvent {
    std::string type;   ///< "goal", "yellow-card", "kick-off", "clock", ...
    int minute = 0;
    std::string side;   ///< "home", "away" or empty
    std::string player; ///< empty when no player is involved
    std::string text;   ///< a sentence for the page
};

/// Yellow and red cards one side has collected.
struct Cards {
    int yellow = 0;
    int red = 0;
};

/// The complete, authoritative state of one match: any single publication
/// of it renders the whole card.
struct MatchState {
    std::string id;          ///< "1": the channel is "match:1"
    int fixture = 1;         ///< counts the games played in this slot
    Team home;
    Team away;
    int home_goals = 0;
    int away_goals = 0;
    Cards home_cards;
    Cards away_cards;
    Status status = Status::scheduled;
    int half = 1;            ///< 1 or 2 while live
    int minute = 0;
    int countdown = 0;       ///< ticks left before the next phase
    std::deque<MatchEvent> events; ///< notable events, newest first
};

/// Notable events kept on a match for the page.
inline constexpr std::size_t max_recent_events = 5;

/// The protocol name of a status: "scheduled", "live", "half-time", "full-time".
const char* to_string(Status status) noexcept;

/// The channel a match publishes to: "match:<id>".
std::string channel_of(const MatchState& match);

void to_json(nlohmann::json& out, const Team& team);
void to_json(nlohmann::json& out, const MatchEvent& event);
void to_json(nlohmann::json& out, const MatchState& match);

/// Overwrites the fields of `match` that `state` carries (the JSON form of
/// to_json), leaving the others. Throws nlohmann::json::exception when a
/// field has the wrong type and std::invalid_argument when a value is out
/// of range; `match` is unchanged then.
void merge_state(MatchState& match, const nlohmann::json& state);

} // namespace scoreboard
