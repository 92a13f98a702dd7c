// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "scoreboard.hpp"

#include <stdexcept>
#include <utility>

namespace scoreboard {

using nlohmann::json;

herald::ChannelOptions match_channel_options()
{
    herald::ChannelOptions options;
    options.history_size = 300;
    options.history_ttl = std::chrono::seconds(300);
    options.recovery = true;
    options.presence = true;
    options.allow_publish = false;
    return options;
}

Scoreboard::Scoreboard(herald::Hub& hub, std::vector<MatchState> matches, TeamPool pool)
    : hub_(hub), pool_(std::move(pool))
{
    for (MatchState& match : matches) {
        entries_.push_back({std::move(match), {}});
    }
}

json Scoreboard::snapshot()
{
    std::lock_guard<std::mutex> lock(mutex_);
    json matches = json::array();
    for (Entry& entry : entries_) {
        sync(entry);
        matches.push_back({
            {"id", entry.state.id},
            {"channel", channel_of(entry.state)},
            {"offset", entry.position.offset},
            {"epoch", entry.position.epoch},
            {"state", entry.state},
        });
    }
    return json{{"matches", std::move(matches)}};
}

void Scoreboard::tick(MatchEngine& engine)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for (Entry& entry : entries_) {
        sync(entry);
        MatchEvent event = engine.step(entry.state, pool_);
        publish(entry, event);
    }
}

void Scoreboard::sync(Entry& entry)
{
    // The newest publication and the stream top.
    herald::HistoryQuery query;
    query.limit = 1;
    query.reverse = true;

    std::error_code ec;
    herald::HistoryResult history = hub_.history(channel_of(entry.state), query, ec);
    if (ec) {
        log(herald::LogLevel::warn,
            "cannot read " + channel_of(entry.state) + ": " + ec.message());
        return;
    }
    if (history.top == entry.position) {
        return;
    }

    // Someone else published (or the stream started again). Its newest
    // publication holds the state viewers see now, when it is still kept.
    const auto& pubs = history.publications;
    if (!pubs.empty() && pubs.front()->offset == history.top.offset) {
        adopt(entry, *pubs.front());
    }
    entry.position = history.top;
}

void Scoreboard::adopt(Entry& entry, const herald::Publication& pub)
{
    const std::string channel = channel_of(entry.state);
    try {
        json data = json::parse(pub.data);
        const json& state = data.contains("state") ? data.at("state") : data;
        MatchState next = entry.state;
        merge_state(next, state);
        next.id = entry.state.id;
        entry.state = std::move(next);
        log(herald::LogLevel::info,
            channel + ": adopted the state published at offset " +
                std::to_string(pub.offset));
    } catch (const std::exception& e) {
        log(herald::LogLevel::warn,
            channel + ": ignoring publication " + std::to_string(pub.offset) +
                " that is not a match state (" + e.what() + ")");
    }
}

void Scoreboard::publish(Entry& entry, const MatchEvent& event)
{
    const std::string channel = channel_of(entry.state);
    const std::string data = json{{"state", entry.state}, {"event", event}}.dump();

    std::error_code ec;
    herald::PublishResult result = hub_.publish(channel, data, ec);
    if (ec) {
        log(herald::LogLevel::warn, "cannot publish to " + channel + ": " + ec.message());
        return;
    }
    entry.position = result.position;
}

void Scoreboard::log(herald::LogLevel level, const std::string& message) const
{
    hub_.logger().log(level, "scoreboard", message);
}

} // namespace scoreboard
