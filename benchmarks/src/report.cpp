// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace bench {
namespace {

using nlohmann::json;

double at_rank(const std::vector<std::int64_t>& sorted, double fraction)
{
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * sorted.size()));
    const std::size_t index = std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1);
    return static_cast<double>(sorted[index]) / 1e6;
}

json spread_json(const Spread& s)
{
    return {{"p50", s.p50}, {"p95", s.p95}, {"p99", s.p99}, {"p99_9", s.p999}, {"max", s.max}};
}

double per_delivery_us(double cpu_s, std::uint64_t delivered)
{
    return delivered == 0 ? 0 : cpu_s * 1e6 / static_cast<double>(delivered);
}

double rss_per_connection_kb(const RunReport& r)
{
    if (r.subscribed == 0 || r.server_rss_idle_kb < r.server_rss_before_kb) {
        return 0;
    }
    return static_cast<double>(r.server_rss_idle_kb - r.server_rss_before_kb) * 1.024 /
           static_cast<double>(r.subscribed);
}

// The server's CPU per delivery less what it would have spent idle.
double fanout_us(const RunReport& r)
{
    const double net = r.server_cpu_s - r.server_idle_cpu_per_s * r.publish_window_s;
    return per_delivery_us(std::max(0.0, net), r.delivered);
}

// Publications sent per second over the publish span, and publications
// answered 200 per second from the first request to the last answer.
double sent_per_s(const RunReport& r)
{
    const auto sent = r.published_ok + r.published_failed;
    return r.publish_span_s > 0 && sent > 1 ? (sent - 1) / r.publish_span_s : 0;
}

double answered_per_s(const RunReport& r)
{
    return r.answer_span_s > 0 ? r.published_ok / r.answer_span_s : 0;
}

} // namespace

Spread spread_ms(std::vector<std::int64_t>& ns)
{
    Spread s;
    if (ns.empty()) {
        return s;
    }
    std::sort(ns.begin(), ns.end());
    s.p50 = at_rank(ns, 0.50);
    s.p95 = at_rank(ns, 0.95);
    s.p99 = at_rank(ns, 0.99);
    s.p999 = at_rank(ns, 0.999);
    s.max = static_cast<double>(ns.back()) / 1e6;
    return s;
}

json to_json(const RunReport& r)
{
    json out = {
        {"target", to_string(r.target)},
        {"clients", r.clients},
        {"publications", r.publications},
        {"size", r.size},
        {"rate", r.rate},
        {"workers", r.workers},
        {"complete", r.complete()},
        {"subscribed", r.subscribed},
        {"failed", r.failed},
        {"dropped", r.dropped},
        {"expected", r.expected},
        {"delivered", r.delivered},
        {"published_ok", r.published_ok},
        {"published_failed", r.published_failed},
        {"publish_span_s", r.publish_span_s},
        {"publish_answer_span_s", r.answer_span_s},
        {"published_per_s", sent_per_s(r)},
        {"answered_per_s", answered_per_s(r)},
        {"delivery_rate_per_s", r.fanout_s > 0 ? r.delivered / r.fanout_s : 0},
        {"latency_ms", spread_json(r.latency)},
        {"last_device_ms", spread_json(r.last_device)},
        {"connect_subscribe_s", r.connect_s},
        {"server",
         {{"nodes", r.nodes},
          {"cpu_s", r.server_cpu_s},
          {"cpu_per_delivery_us", per_delivery_us(r.server_cpu_s, r.delivered)},
          {"fanout_cpu_per_delivery_us", fanout_us(r)},
          {"idle_cpu_per_s", r.server_idle_cpu_per_s},
          {"publish_window_s", r.publish_window_s},
          {"connect_cpu_s", r.server_connect_cpu_s},
          {"rss_before_kb", r.server_rss_before_kb},
          {"rss_idle_subscribed_kb", r.server_rss_idle_kb},
          {"rss_per_connection_kb", rss_per_connection_kb(r)},
          {"peak_rss_kb", r.server_peak_rss_kb}}},
        {"redis", {{"cpu_s", r.redis_cpu_s},
                   {"cpu_per_delivery_us", per_delivery_us(r.redis_cpu_s, r.delivered)}}},
        {"loadgen",
         {{"cpu_s", r.loadgen_cpu_s},
          {"cpu_per_delivery_us", per_delivery_us(r.loadgen_cpu_s, r.delivered)},
          {"total_cpu_s", r.loadgen_total_cpu_s}}},
    };
    if (!r.error.empty()) {
        out["error"] = r.error;
    }
    return out;
}

std::string to_table(const std::vector<RunReport>& reports)
{
    std::string out = fmt::format(
        "{:<13} {:>6} {:>4} {:>5} {:>5} {:>9} | {:>7} {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} "
        "| {:>6} | {:>6} {:>6} {:>6} {:>6} {:>6} | {:>7}\n",
        "target", "N", "M", "S", "R", "delivered", "p50", "p95", "p99", "p99.9", "max", "last50",
        "last99", "lastmax", "conn s", "srv us", "net us", "gen us", "KB/con", "RSS MB", "pub/s");
    for (const auto& r : reports) {
        const double ratio =
            r.expected == 0 ? 0 : 100.0 * static_cast<double>(r.delivered) / r.expected;
        out += fmt::format(
            "{:<13} {:>6} {:>4} {:>5} {:>5.3g} {:>8.2f}% | {:>7.2f} {:>7.2f} {:>7.2f} {:>7.2f} "
            "{:>7.2f} | "
            "{:>7.2f} {:>7.2f} {:>7.2f} | {:>6.1f} | {:>6.2f} {:>6.2f} {:>6.2f} {:>6.1f} "
            "{:>6.1f} | {:>7.1f}\n",
            to_string(r.target), r.clients, r.publications, r.size, r.rate, ratio, r.latency.p50,
            r.latency.p95, r.latency.p99, r.latency.p999, r.latency.max, r.last_device.p50,
            r.last_device.p99, r.last_device.max, r.connect_s,
            per_delivery_us(r.server_cpu_s, r.delivered), fanout_us(r),
            per_delivery_us(r.loadgen_cpu_s, r.delivered), rss_per_connection_kb(r),
            static_cast<double>(r.server_peak_rss_kb) / 1024.0, answered_per_s(r));
        if (!r.error.empty()) {
            out += fmt::format("    {} N={}: {}\n", to_string(r.target), r.clients, r.error);
        }
    }
    out +=
        "latencies in ms; last* = per-publication time to the last device; "
        "srv/gen us = CPU microseconds per delivery (server / load generator); net us = "
        "server less its idle CPU; srv/net/KB/RSS sum both nodes of herald-redis; pub/s = "
        "publications answered per second\n";
    return out;
}

} // namespace bench
