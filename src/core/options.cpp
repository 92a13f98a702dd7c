// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/error.hpp>
#include <herald/options.hpp>

#include <fmt/format.h>

namespace herald {
namespace {

// More than any machine has cores: a larger count is a mistake, and every
// thread reserves a stack.
constexpr unsigned max_fanout_threads = 1024;

bool check_channel(const std::string& ns, const ChannelOptions& o, std::string& what)
{
    std::string name = ns.empty() ? std::string("the default namespace") : "namespace '" + ns + "'";
    bool has_history = o.history_size > 0 && o.history_ttl.count() > 0;
    if ((o.history_size > 0) != (o.history_ttl.count() > 0)) {
        what = fmt::format("{}: history_size and history_ttl must both be set or both be 0", name);
        return false;
    }
    if (o.history_ttl.count() < 0) {
        what = fmt::format("{}: history_ttl is negative", name);
        return false;
    }
    if (o.recovery && !has_history) {
        what = fmt::format("{}: recovery needs history (history_size and history_ttl)", name);
        return false;
    }
    return true;
}

bool check_namespace_name(const std::string& ns, std::string& what)
{
    if (ns.empty() || ns.find(':') != std::string::npos) {
        what = fmt::format("namespace name '{}' must be non-empty and contain no ':'", ns);
        return false;
    }
    return true;
}

} // namespace

std::string_view channel_namespace(std::string_view channel) noexcept
{
    auto colon = channel.find(':');
    return colon == std::string_view::npos ? std::string_view() : channel.substr(0, colon);
}

void validate(const HubOptions& options, std::error_code& ec, std::string& what)
{
    ec.clear();
    bool ok = check_channel("", options.default_channel, what);
    for (const auto& [ns, o] : options.namespaces) {
        ok = ok && check_namespace_name(ns, what) && check_channel(ns, o, what);
    }

    if (ok && options.ping_interval.count() > 0 &&
        options.pong_timeout > options.ping_interval) {
        what = "pong_timeout must not exceed ping_interval";
        ok = false;
    }
    if (ok && (options.client_channel_limit == 0 || options.channel_max_length == 0 ||
               options.max_message_size == 0 || options.client_queue_max_bytes == 0)) {
        what = "limits (channels, name length, message size, queue size) must be positive";
        ok = false;
    }
    if (ok && options.fanout_threads > max_fanout_threads) {
        what = fmt::format("fanout_threads must be at most {} (0: one per core)",
                           max_fanout_threads);
        ok = false;
    }
    if (!ok) {
        ec = make_error_code(errc::invalid_options);
    }
}

} // namespace herald
