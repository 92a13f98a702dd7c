// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "bench.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <memory>

namespace bench {
namespace {

std::int64_t to_ns(const timeval& tv) noexcept
{
    return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000'000 +
           static_cast<std::int64_t>(tv.tv_usec) * 1'000;
}

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

template <class T>
bool put(std::FILE* f, const T& value)
{
    return std::fwrite(&value, sizeof(value), 1, f) == 1;
}

template <class T>
bool put(std::FILE* f, const std::vector<T>& values)
{
    const std::uint64_t size = values.size();
    return put(f, size) && std::fwrite(values.data(), sizeof(T), values.size(), f) == values.size();
}

template <class T>
bool get(std::FILE* f, T& value)
{
    return std::fread(&value, sizeof(value), 1, f) == 1;
}

template <class T>
bool get(std::FILE* f, std::vector<T>& values)
{
    std::uint64_t size = 0;
    if (!get(f, size)) {
        return false;
    }
    values.resize(size);
    return std::fread(values.data(), sizeof(T), values.size(), f) == values.size();
}

// Visits every field of a result in the one order save() and load() share.
template <class Result, class Fn>
bool each_field(Result& r, Fn&& fn)
{
    return fn(r.subscribed) && fn(r.failed) && fn(r.dropped) && fn(r.received) &&
           fn(r.last_subscribed_ns) && fn(r.cpu_ready_ns) && fn(r.cpu_done_ns) &&
           fn(r.latencies_ns) && fn(r.pub_last_ns) && fn(r.pub_count);
}

} // namespace

std::string_view to_string(Target target) noexcept
{
    switch (target) {
        case Target::herald:
            return "herald";
        case Target::ws:
            return "ws";
        case Target::socketio:
            return "socketio";
        case Target::herald_redis1:
            return "herald-redis1";
        case Target::herald_redis:
            return "herald-redis";
    }
    return "?";
}

Target protocol_of(Target target) noexcept
{
    return uses_redis(target) ? Target::herald : target;
}

bool uses_redis(Target target) noexcept
{
    return target == Target::herald_redis1 || target == Target::herald_redis;
}

std::size_t node_count(Target target) noexcept
{
    return target == Target::herald_redis ? 2 : 1;
}

std::optional<Target> parse_target(std::string_view name) noexcept
{
    for (auto target : {Target::herald, Target::ws, Target::socketio, Target::herald_redis1,
                        Target::herald_redis}) {
        if (to_string(target) == name) {
            return target;
        }
    }
    return std::nullopt;
}

std::int64_t now_ns() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t self_cpu_ns() noexcept
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return to_ns(usage.ru_utime) + to_ns(usage.ru_stime);
}

bool save(const WorkerResult& r, const std::string& path)
{
    File f(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!f) {
        return false;
    }
    const bool ok = each_field(r, [&](const auto& field) { return put(f.get(), field); });
    return ok && std::fclose(f.release()) == 0;
}

std::optional<WorkerResult> load(const std::string& path)
{
    File f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
        return std::nullopt;
    }
    WorkerResult r;
    if (!each_field(r, [&](auto& field) { return get(f.get(), field); })) {
        return std::nullopt;
    }
    return r;
}

} // namespace bench
