// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include "engine.hpp"
#include "match.hpp"

#include <herald/herald.hpp>
#include <nlohmann/json.hpp>

#include <mutex>
#include <vector>

namespace scoreboard {

/// The options of the `match` namespace the board publishes in.
herald::ChannelOptions match_channel_options();

/// The authoritative state of every match, kept in step with the channels.
///
/// The board is the only writer it expects, but anyone with the server API
/// key may publish into `match:<id>` too. Before it reads or changes a match
/// the board compares the channel's stream top with the last position it
/// knows; when someone else published, it adopts the state carried by that
/// publication, so the simulator continues from what viewers saw instead of
/// silently overwriting it. Thread-safe.
class Scoreboard {
public:
    /// Serves `matches` through `hub`, which must outlive the board.
    Scoreboard(herald::Hub& hub, std::vector<MatchState> matches, TeamPool pool);

    /// Every match with the stream position its state corresponds to:
    /// {"matches":[{"id","channel","offset","epoch","state"}]}.
    nlohmann::json snapshot();

    /// Advances every match by one tick of `engine` and publishes each
    /// change with the event that caused it.
    void tick(MatchEngine& engine);

private:
    struct Entry {
        MatchState state;
        herald::StreamPosition position; ///< what `state` corresponds to
    };

    void sync(Entry& entry);
    void adopt(Entry& entry, const herald::Publication& pub);
    void publish(Entry& entry, const MatchEvent& event);
    void log(herald::LogLevel level, const std::string& message) const;

    herald::Hub& hub_;

    // Held across publishing so that a position and its state always change
    // together; nothing herald calls back into takes it.
    std::mutex mutex_;
    std::vector<Entry> entries_;
    TeamPool pool_;
};

} // namespace scoreboard
