// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/log.hpp>

namespace herald {

std::string_view to_string(LogLevel level) noexcept
{
    switch (level) {
    case LogLevel::trace: return "trace";
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
    }
    return "off";
}

void Logger::set_sink(LogSink sink, LogLevel min_level)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (sink) {
        sink_ = std::make_shared<const LogSink>(std::move(sink));
        level_.store(min_level, std::memory_order_relaxed);
    } else {
        sink_.reset();
        level_.store(LogLevel::off, std::memory_order_relaxed);
    }
}

void Logger::log(LogLevel level,
                 std::string_view component,
                 std::string_view message,
                 std::error_code error) const noexcept
{
    if (!enabled(level)) {
        return;
    }

    std::shared_ptr<const LogSink> sink;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        sink = sink_;
    }
    if (!sink) {
        return;
    }

    // A failing sink must not take the node down with it.
    try {
        (*sink)(LogRecord{level, component, message, error});
    } catch (...) {
    }
}

} // namespace herald
