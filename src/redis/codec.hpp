// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// The msgpack forms herald keeps in Redis: a publication's body (stream
// entries and PUB/SUB envelopes carry the same bytes), a presence entry, and
// the envelope the publish script sends through PUB/SUB.

#include <herald/broker.hpp>
#include <herald/history.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace herald::redis {

/// [data, info or nil, tags]: everything of a publication but its offset,
/// which Redis assigns.
std::string encode_publication(const std::string& data,
                               const std::optional<ClientInfo>& info,
                               const std::map<std::string, std::string>& tags);

/// Fills `out` (but its offset) from encode_publication's bytes; false when
/// they are not such bytes.
bool decode_publication(std::string_view bytes, Publication& out);

/// [user, client, conn_info, chan_info].
std::string encode_client_info(const ClientInfo& info);
bool decode_client_info(std::string_view bytes, ClientInfo& out);

/// [uid, name, version, num_clients, num_users, num_channels, uptime].
std::string encode_node_info(const NodeInfo& node);
bool decode_node_info(std::string_view bytes, NodeInfo& out);

/// [kind, origin, user, client, channel, code, reason]: what the control
/// channel carries.
std::string encode_control(const ControlCommand& command);
bool decode_control(std::string_view bytes, ControlCommand& out);

/// What the publish script sends through PUB/SUB: [offset, epoch, body].
struct Envelope {
    std::uint64_t offset = 0;
    std::string epoch;
    std::string body; ///< encode_publication's bytes
};

bool decode_envelope(std::string_view bytes, Envelope& out);

} // namespace herald::redis
