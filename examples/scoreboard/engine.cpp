// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "engine.hpp"

#include <array>
#include <string_view>
#include <tuple>

namespace scoreboard {

namespace {

// Made-up clubs and surnames: the example must not depend on real leagues.
const std::array<Team, 10> clubs = {{
    {"Northport Rovers", "NOR", "#b23a48"},
    {"Kestrel Town", "KES", "#2a6f97"},
    {"Ashford Albion", "ASH", "#3c8d5a"},
    {"Marlow Athletic", "MAR", "#d08c2e"},
    {"Harbour City", "HAR", "#5a4fcf"},
    {"Elmstead United", "ELM", "#8c3b7f"},
    {"Redcliff FC", "RED", "#c4452c"},
    {"Stonebridge Wanderers", "STO", "#4a5a6a"},
    {"Larkhill Rangers", "LAR", "#1f8a8a"},
    {"Whitmore Forest", "WHI", "#6b8e23"},
}};

const std::array<std::string, 24> surnames = {
    "Okafor", "Lindqvist", "Moreau", "Haddad", "Novak", "Ferreira",
    "Kowalski", "Brennan", "Santos", "Tanaka", "Adeyemi", "Larsen",
    "Duarte", "Osei", "Petrov", "Whitfield", "Nakamura", "Ibarra",
    "Costa", "Mensah", "Halloran", "Vidal", "Ekström", "Rahman",
};

const Team& side_team(const MatchState& match, std::string_view side)
{
    return side == "home" ? match.home : match.away;
}

MatchEvent phase_event(const MatchState& match, const char* type, std::string text)
{
    return {type, match.minute, "", "", std::move(text)};
}

} // namespace

TeamPool::TeamPool() : free_(clubs.begin(), clubs.end()) {}

std::pair<Team, Team> TeamPool::draw(std::mt19937& rng)
{
    Team home = take(rng);
    Team away = take(rng);
    return {std::move(home), std::move(away)};
}

void TeamPool::release(Team home, Team away)
{
    free_.push_back(std::move(home));
    free_.push_back(std::move(away));
}

Team TeamPool::take(std::mt19937& rng)
{
    std::uniform_int_distribution<std::size_t> index(0, free_.size() - 1);
    std::size_t i = index(rng);
    Team team = std::move(free_[i]);
    free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
    return team;
}

MatchEngine::MatchEngine(MatchRules rules, std::uint32_t seed) : rules_(rules), rng_(seed) {}

MatchState MatchEngine::new_match(std::string id, TeamPool& pool)
{
    MatchState match;
    match.id = std::move(id);
    std::tie(match.home, match.away) = pool.draw(rng_);
    match.countdown = rules_.pre_match_ticks;
    return match;
}

MatchEvent MatchEngine::step(MatchState& match, TeamPool& pool)
{
    switch (match.status) {
    case Status::scheduled:
        return step_scheduled(match);
    case Status::live:
        return step_live(match);
    case Status::half_time:
        return step_half_time(match);
    case Status::full_time:
        return step_full_time(match, pool);
    }
    return step_scheduled(match);
}

MatchEvent MatchEngine::step_scheduled(MatchState& match)
{
    if (--match.countdown > 0) {
        return phase_event(match, "clock", "Kick-off soon");
    }

    match.status = Status::live;
    match.half = 1;
    match.minute = 0;
    match.countdown = 0;
    MatchEvent event = phase_event(match, "kick-off",
                                   "Kick-off: " + match.home.name + " v " + match.away.name);
    remember(match, event);
    return event;
}

MatchEvent MatchEngine::step_live(MatchState& match)
{
    int half_end = rules_.half_length * (match.half < 2 ? 1 : 2);
    if (match.minute < half_end) {
        return play_minute(match);
    }

    bool first_half = match.half < 2;
    match.status = first_half ? Status::half_time : Status::full_time;
    match.countdown = first_half ? rules_.half_time_ticks : rules_.full_time_ticks;
    std::string score = std::to_string(match.home_goals) + "–" +
                        std::to_string(match.away_goals);
    MatchEvent event = first_half
        ? phase_event(match, "half-time", "Half-time, " + score)
        : phase_event(match, "full-time", "Full-time, " + score);
    remember(match, event);
    return event;
}

MatchEvent MatchEngine::step_half_time(MatchState& match)
{
    if (--match.countdown > 0) {
        return phase_event(match, "clock", "Half-time break");
    }

    match.status = Status::live;
    match.half = 2;
    match.minute = rules_.half_length;
    MatchEvent event = phase_event(match, "second-half", "The second half is under way");
    remember(match, event);
    return event;
}

MatchEvent MatchEngine::step_full_time(MatchState& match, TeamPool& pool)
{
    if (--match.countdown > 0) {
        return phase_event(match, "clock", "Full-time");
    }

    pool.release(std::move(match.home), std::move(match.away));
    MatchState next = new_match(match.id, pool);
    next.fixture = match.fixture + 1;
    match = std::move(next);
    MatchEvent event = phase_event(match, "fixture",
                                   "Next up: " + match.home.name + " v " + match.away.name);
    remember(match, event);
    return event;
}

MatchEvent MatchEngine::play_minute(MatchState& match)
{
    ++match.minute;
    for (const char* side : {"home", "away"}) {
        bool home = std::string_view(side) == "home";
        const std::string& club = side_team(match, side).name;
        if (chance(rules_.goal_chance)) {
            ++(home ? match.home_goals : match.away_goals);
            const std::string& player = pick_player();
            MatchEvent event{"goal", match.minute, side, player,
                             "Goal! " + player + " scores for " + club};
            remember(match, event);
            return event;
        }
        if (chance(rules_.red_chance)) {
            ++(home ? match.home_cards : match.away_cards).red;
            const std::string& player = pick_player();
            MatchEvent event{"red-card", match.minute, side, player,
                             "Red card: " + player + " (" + club + ") is sent off"};
            remember(match, event);
            return event;
        }
        if (chance(rules_.yellow_chance)) {
            ++(home ? match.home_cards : match.away_cards).yellow;
            const std::string& player = pick_player();
            MatchEvent event{"yellow-card", match.minute, side, player,
                             "Yellow card for " + player + " (" + club + ")"};
            remember(match, event);
            return event;
        }
    }
    return phase_event(match, "clock", std::to_string(match.minute) + "'");
}

bool MatchEngine::chance(double p)
{
    return std::bernoulli_distribution(p)(rng_);
}

const std::string& MatchEngine::pick_player()
{
    std::uniform_int_distribution<std::size_t> index(0, surnames.size() - 1);
    return surnames[index(rng_)];
}

void remember(MatchState& match, const MatchEvent& event)
{
    match.events.push_front(event);
    while (match.events.size() > max_recent_events) {
        match.events.pop_back();
    }
}

} // namespace scoreboard
