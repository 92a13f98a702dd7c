// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Small JSON helpers shared by the protocol codec and the server API. Parsing
// is nlohmann::json's; these only compose output around payloads that must
// be embedded byte for byte.

#include <herald/history.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace herald::detail {

/// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

/// True when `text` is exactly one valid JSON value.
bool is_json(std::string_view text);

/// Returns `text` (valid JSON) without raw newlines, which may only be
/// whitespace between tokens and would break newline-delimited framing.
std::string strip_newlines(std::string_view text);

/// Appends {"user":..,"client":..,"conn_info":..,"chan_info":..}, leaving out
/// empty fields as the protocol does.
void append_client_info(std::string& out, const ClientInfo& info);

/// Appends a Publication object: {"data":..,"info":..,"offset":N,"tags":{..}}.
void append_publication(std::string& out, const Publication& pub);

/// Writes a JSON object key by key: { "a":1,"b":"x" }. Keys are trusted
/// literals; values are escaped or, with raw(), embedded as they are.
class ObjectWriter {
public:
    explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }

    ObjectWriter(const ObjectWriter&) = delete;
    ObjectWriter& operator=(const ObjectWriter&) = delete;

    ObjectWriter& string(std::string_view key, std::string_view value);
    ObjectWriter& number(std::string_view key, std::uint64_t value);
    ObjectWriter& signed_number(std::string_view key, std::int64_t value);
    ObjectWriter& boolean(std::string_view key, bool value);
    /// `value` must be valid JSON.
    ObjectWriter& raw(std::string_view key, std::string_view value);
    /// Starts the value of `key`; the caller appends it to out().
    std::string& key(std::string_view key);

    /// Closes the object; the writer must not be used afterwards.
    void close() { out_.push_back('}'); }

    std::string& out() { return out_; }

private:
    void comma()
    {
        if (!first_) {
            out_.push_back(',');
        }
        first_ = false;
    }

    std::string& out_;
    bool first_ = true;
};

} // namespace herald::detail
