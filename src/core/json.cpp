// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace herald::detail {

void append_json_string(std::string& out, std::string_view s)
{
    // nlohmann's serializer escapes exactly as JSON requires and rejects
    // invalid UTF-8 by replacing it, so a bad channel name cannot break a frame.
    nlohmann::json value = std::string(s);
    out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_json(std::string_view text)
{
    return nlohmann::json::accept(text.begin(), text.end());
}

std::string strip_newlines(std::string_view text)
{
    std::string out(text);
    out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }),
              out.end());
    return out;
}

void append_client_info(std::string& out, const ClientInfo& info)
{
    ObjectWriter w(out);
    if (!info.user.empty()) {
        w.string("user", info.user);
    }
    w.string("client", info.client);
    if (!info.conn_info.empty()) {
        w.raw("conn_info", info.conn_info);
    }
    if (!info.chan_info.empty()) {
        w.raw("chan_info", info.chan_info);
    }
    w.close();
}

void append_publication(std::string& out, const Publication& pub)
{
    ObjectWriter w(out);
    w.raw("data", pub.data);
    if (pub.info) {
        append_client_info(w.key("info"), *pub.info);
    }
    if (pub.offset != 0) {
        w.number("offset", pub.offset);
    }
    if (!pub.tags.empty()) {
        // Tag keys come from users, so they are escaped like values.
        std::string& tags = w.key("tags");
        tags.push_back('{');
        for (auto it = pub.tags.begin(); it != pub.tags.end(); ++it) {
            if (it != pub.tags.begin()) {
                tags.push_back(',');
            }
            append_json_string(tags, it->first);
            tags.push_back(':');
            append_json_string(tags, it->second);
        }
        tags.push_back('}');
    }
    w.close();
}

ObjectWriter& ObjectWriter::string(std::string_view key, std::string_view value)
{
    append_json_string(this->key(key), value);
    return *this;
}

ObjectWriter& ObjectWriter::number(std::string_view key, std::uint64_t value)
{
    this->key(key) += std::to_string(value);
    return *this;
}

ObjectWriter& ObjectWriter::signed_number(std::string_view key, std::int64_t value)
{
    this->key(key) += std::to_string(value);
    return *this;
}

ObjectWriter& ObjectWriter::boolean(std::string_view key, bool value)
{
    this->key(key) += value ? "true" : "false";
    return *this;
}

ObjectWriter& ObjectWriter::raw(std::string_view key, std::string_view value)
{
    this->key(key) += value;
    return *this;
}

std::string& ObjectWriter::key(std::string_view key)
{
    comma();
    out_.push_back('"');
    out_ += key;
    out_ += "\":";
    return out_;
}

} // namespace herald::detail
