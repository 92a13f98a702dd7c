// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "match.hpp"

#include <stdexcept>

namespace scoreboard {

namespace {

using nlohmann::json;

Status parse_status(const std::string& text)
{
    for (Status s : {Status::scheduled, Status::live, Status::half_time, Status::full_time}) {
        if (text == to_string(s)) {
            return s;
        }
    }
    throw std::invalid_argument("unknown status \"" + text + "\"");
}

// Reads `key` from `object` into `field` when present; a value of another
// type throws, so a bad publication never half-applies.
template <class T>
void merge_field(const json& object, const char* key, T& field)
{
    auto it = object.find(key);
    if (it != object.end()) {
        field = it->get<T>();
    }
}

void merge_count(const json& object, const char* key, int& field, int max)
{
    int value = field;
    merge_field(object, key, value);
    if (value < 0 || value > max) {
        throw std::invalid_argument(std::string(key) + " is out of range");
    }
    field = value;
}

void merge_team(const json& state, const char* key, Team& team)
{
    auto it = state.find(key);
    if (it == state.end()) {
        return;
    }
    merge_field(*it, "name", team.name);
    merge_field(*it, "short", team.short_name);
    merge_field(*it, "color", team.color);
}

void merge_pair(const json& state, const char* key, int& home, int& away, int max)
{
    auto it = state.find(key);
    if (it == state.end()) {
        return;
    }
    merge_count(*it, "home", home, max);
    merge_count(*it, "away", away, max);
}

void merge_cards(const json& state, Cards& home, Cards& away)
{
    auto it = state.find("cards");
    if (it == state.end()) {
        return;
    }
    for (auto [side, cards] : {std::pair{"home", &home}, std::pair{"away", &away}}) {
        auto c = it->find(side);
        if (c != it->end()) {
            merge_count(*c, "yellow", cards->yellow, 99);
            merge_count(*c, "red", cards->red, 11);
        }
    }
}

void merge_events(const json& state, std::deque<MatchEvent>& events)
{
    auto it = state.find("events");
    if (it == state.end()) {
        return;
    }

    std::deque<MatchEvent> merged;
    for (const json& e : *it) {
        MatchEvent event;
        merge_field(e, "type", event.type);
        merge_field(e, "minute", event.minute);
        merge_field(e, "side", event.side);
        merge_field(e, "player", event.player);
        merge_field(e, "text", event.text);
        merged.push_back(std::move(event));
        if (merged.size() == max_recent_events) {
            break;
        }
    }
    events = std::move(merged);
}

} // namespace

const char* to_string(Status status) noexcept
{
    switch (status) {
    case Status::scheduled:
        return "scheduled";
    case Status::live:
        return "live";
    case Status::half_time:
        return "half-time";
    case Status::full_time:
        return "full-time";
    }
    return "scheduled";
}

std::string channel_of(const MatchState& match)
{
    return "match:" + match.id;
}

void to_json(json& out, const Team& team)
{
    out = json{{"name", team.name}, {"short", team.short_name}, {"color", team.color}};
}

void to_json(json& out, const MatchEvent& event)
{
    out = json{{"type", event.type}, {"minute", event.minute}, {"text", event.text}};
    if (!event.side.empty()) {
        out["side"] = event.side;
    }
    if (!event.player.empty()) {
        out["player"] = event.player;
    }
}

void to_json(json& out, const MatchState& match)
{
    out = json{
        {"id", match.id},
        {"fixture", match.fixture},
        {"status", to_string(match.status)},
        {"half", match.half},
        {"minute", match.minute},
        {"countdown", match.countdown},
        {"home", match.home},
        {"away", match.away},
        {"score", {{"home", match.home_goals}, {"away", match.away_goals}}},
        {"cards",
         {{"home", {{"yellow", match.home_cards.yellow}, {"red", match.home_cards.red}}},
          {"away", {{"yellow", match.away_cards.yellow}, {"red", match.away_cards.red}}}}},
        {"events", match.events},
    };
}

void merge_state(MatchState& match, const json& state)
{
    if (!state.is_object()) {
        throw std::invalid_argument("a match state is a JSON object");
    }

    // Work on a copy so that a bad field leaves the match as it was.
    MatchState next = match;
    merge_count(state, "fixture", next.fixture, 1'000'000);
    merge_count(state, "half", next.half, 2);
    merge_count(state, "minute", next.minute, 130);
    merge_count(state, "countdown", next.countdown, 1000);
    if (auto it = state.find("status"); it != state.end()) {
        next.status = parse_status(it->get<std::string>());
    }

    merge_team(state, "home", next.home);
    merge_team(state, "away", next.away);
    merge_pair(state, "score", next.home_goals, next.away_goals, 99);
    merge_cards(state, next.home_cards, next.away_cards);
    merge_events(state, next.events);
    match = std::move(next);
}

} // namespace scoreboard
