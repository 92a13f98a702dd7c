// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "protocol.hpp"

#include "json.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace herald::detail {
namespace {

using nlohmann::json;

// The request fields in the order the protocol checks them: the first one
// present decides the method.
struct MethodName {
    const char* field;
    Method method;
};

constexpr MethodName method_names[] = {
    {"connect", Method::connect},
    {"subscribe", Method::subscribe},
    {"unsubscribe", Method::unsubscribe},
    {"publish", Method::publish},
    {"presence", Method::presence},
    {"presence_stats", Method::presence_stats},
    {"history", Method::history},
    {"ping", Method::ping},
    {"send", Method::send},
    {"rpc", Method::rpc},
    {"refresh", Method::refresh},
    {"sub_refresh", Method::sub_refresh},
};

bool read_string(const json& obj, const char* key, std::string& out)
{
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return true;
    }
    if (!it->is_string()) {
        return false;
    }
    out = it->get<std::string>();
    return true;
}

bool read_bool(const json& obj, const char* key, bool& out)
{
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return true;
    }
    if (!it->is_boolean()) {
        return false;
    }
    out = it->get<bool>();
    return true;
}

bool read_unsigned(const json& obj, const char* key, std::uint64_t& out)
{
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return true;
    }
    if (!it->is_number_unsigned()) {
        return false;
    }
    out = it->get<std::uint64_t>();
    return true;
}

bool read_signed(const json& obj, const char* key, std::int64_t& out)
{
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return true;
    }
    if (!it->is_number_integer()) {
        return false;
    }
    out = it->get<std::int64_t>();
    return true;
}

bool decode_request(const json& req, Command& cmd)
{
    if (!req.is_object()) {
        return false;
    }
    bool ok = read_string(req, "channel", cmd.channel);

    switch (cmd.method) {
    case Method::connect:
        return ok && read_string(req, "token", cmd.token) && read_string(req, "name", cmd.name);
    case Method::subscribe:
        return ok && read_bool(req, "recover", cmd.recover) &&
               read_unsigned(req, "offset", cmd.since.offset) &&
               read_string(req, "epoch", cmd.since.epoch);
    case Method::publish: {
        auto data = req.find("data");
        if (data == req.end() || data->is_null()) {
            return false;
        }
        cmd.data = data->dump();
        return ok;
    }
    case Method::history: {
        ok = ok && read_signed(req, "limit", cmd.limit) && read_bool(req, "reverse", cmd.reverse);
        auto since = req.find("since");
        if (ok && since != req.end() && !since->is_null()) {
            cmd.has_since = true;
            ok = since->is_object() && read_unsigned(*since, "offset", cmd.since.offset) &&
                 read_string(*since, "epoch", cmd.since.epoch);
        }
        return ok;
    }
    default:
        return ok;
    }
}

bool decode_line(std::string_view line, Command& cmd, std::string& error)
{
    json doc = json::parse(line.begin(), line.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        error = "command is not a JSON object";
        return false;
    }

    std::uint64_t id = 0;
    if (!read_unsigned(doc, "id", id) || id > std::numeric_limits<std::uint32_t>::max()) {
        error = "command id is not a 32-bit unsigned integer";
        return false;
    }
    cmd.id = static_cast<std::uint32_t>(id);

    const json* request = nullptr;
    for (const auto& m : method_names) {
        auto it = doc.find(m.field);
        if (it != doc.end() && !it->is_null()) {
            cmd.method = m.method;
            request = &*it;
            break;
        }
    }

    // Only a pong ({}) and the fire-and-forget `send` may go without an id.
    if (request == nullptr) {
        if (cmd.id != 0) {
            error = "command has an id but no request";
            return false;
        }
        return true;
    }
    if (cmd.id == 0 && cmd.method != Method::send) {
        error = "command has no id";
        return false;
    }
    if (!decode_request(*request, cmd)) {
        error = "malformed request fields";
        return false;
    }
    return true;
}

std::string reply_head(std::uint32_t id, std::string_view method)
{
    std::string out = "{\"id\":";
    out += std::to_string(id);
    out += ",\"";
    out += method;
    out += "\":";
    return out;
}

} // namespace

bool decode_commands(std::string_view message, std::vector<Command>& out, std::string& error)
{
    out.clear();
    std::size_t pos = 0;
    while (pos <= message.size()) {
        std::size_t end = message.find('\n', pos);
        if (end == std::string_view::npos) {
            end = message.size();
        }
        std::string_view line = message.substr(pos, end - pos);
        pos = end + 1;

        // Blank lines (a trailing newline, CRLF) carry nothing.
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            continue;
        }
        Command cmd;
        if (!decode_line(line, cmd, error)) {
            return false;
        }
        out.push_back(std::move(cmd));
    }

    if (out.empty()) {
        error = "message holds no command";
        return false;
    }
    return true;
}

std::string_view error_message(std::uint32_t code) noexcept
{
    switch (code) {
    case 101: return "unauthorized";
    case 102: return "unknown channel";
    case 103: return "permission denied";
    case 104: return "method not found";
    case 105: return "already subscribed";
    case 106: return "limit exceeded";
    case 107: return "bad request";
    case 108: return "not available";
    case 109: return "token expired";
    case 110: return "expired";
    case 111: return "too many requests";
    case 112: return "unrecoverable position";
    default: return "internal server error";
    }
}

std::string encode_error(std::uint32_t id, std::uint32_t code, bool temporary)
{
    std::string out = reply_head(id, "error");
    ObjectWriter w(out);
    w.number("code", code).string("message", error_message(code));
    if (temporary) {
        w.boolean("temporary", true);
    }
    w.close();
    out.push_back('}');
    return out;
}

std::string encode_connect(std::uint32_t id,
                           std::string_view client,
                           std::string_view version,
                           std::uint32_t ping_seconds)
{
    std::string out = reply_head(id, "connect");
    ObjectWriter w(out);
    w.string("client", client).string("version", version);
    if (ping_seconds > 0) {
        w.number("ping", ping_seconds).boolean("pong", true);
    }
    w.close();
    out.push_back('}');
    return out;
}

void append_publications(std::string& out, const std::vector<PublicationPtr>& pubs)
{
    out.push_back('[');
    for (std::size_t i = 0; i < pubs.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        append_publication(out, *pubs[i]);
    }
    out.push_back(']');
}

std::string encode_subscribe(std::uint32_t id, const SubscribeReply& reply)
{
    // Field order follows the schema, as other servers emit it; absent
    // fields mean false, zero or empty.
    std::string out = reply_head(id, "subscribe");
    ObjectWriter w(out);
    if (reply.recoverable) {
        w.boolean("recoverable", true);
    }
    if (!reply.position.epoch.empty()) {
        w.string("epoch", reply.position.epoch);
    }
    if (!reply.publications.empty()) {
        append_publications(w.key("publications"), reply.publications);
    }
    if (reply.recovered) {
        w.boolean("recovered", true);
    }
    if (reply.position.offset != 0) {
        w.number("offset", reply.position.offset);
    }
    if (reply.positioned) {
        w.boolean("positioned", true);
    }
    if (reply.was_recovering) {
        w.boolean("was_recovering", true);
    }
    w.close();
    out.push_back('}');
    return out;
}

std::string encode_empty_result(std::uint32_t id, std::string_view method)
{
    std::string out = reply_head(id, method);
    out += "{}}";
    return out;
}

std::string encode_history(std::uint32_t id, const HistoryResult& result)
{
    std::string out = reply_head(id, "history");
    ObjectWriter w(out);
    if (!result.publications.empty()) {
        append_publications(w.key("publications"), result.publications);
    }
    if (!result.top.epoch.empty()) {
        w.string("epoch", result.top.epoch);
    }
    if (result.top.offset != 0) {
        w.number("offset", result.top.offset);
    }
    w.close();
    out.push_back('}');
    return out;
}

std::string encode_presence(std::uint32_t id, const PresenceMap& presence)
{
    std::string out = reply_head(id, "presence");
    out += "{\"presence\":{";
    bool first = true;
    for (const auto& [client, info] : presence) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        append_json_string(out, client);
        out.push_back(':');
        append_client_info(out, info);
    }
    out += "}}}";
    return out;
}

std::string encode_presence_stats(std::uint32_t id, const PresenceStats& stats)
{
    std::string out = reply_head(id, "presence_stats");
    ObjectWriter w(out);
    w.number("num_clients", stats.num_clients).number("num_users", stats.num_users);
    w.close();
    out.push_back('}');
    return out;
}

std::string encode_publication_push(std::string_view channel, const Publication& pub)
{
    std::string out;
    out.reserve(pub.data.size() + channel.size() + 64);
    out += "{\"push\":";
    ObjectWriter w(out);
    w.string("channel", channel);
    append_publication(w.key("pub"), pub);
    w.close();
    out.push_back('}');
    return out;
}

std::string encode_unsubscribe_push(std::string_view channel,
                                    std::uint32_t code,
                                    std::string_view reason)
{
    std::string out = "{\"push\":";
    ObjectWriter w(out);
    w.string("channel", channel);
    ObjectWriter u(w.key("unsubscribe"));
    u.number("code", code).string("reason", reason);
    u.close();
    w.close();
    out.push_back('}');
    return out;
}

} // namespace herald::detail
