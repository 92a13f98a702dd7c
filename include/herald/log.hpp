// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>

namespace herald {

/// Severity of a log record, from most to least verbose.
enum class LogLevel { trace, debug, info, warn, error, off };

/// One log record. Its views are valid only during the sink call: a sink that
/// queues records must copy them.
struct LogRecord {
    LogLevel level = LogLevel::info;
    std::string_view component; ///< "hub", "session", "transport.ws", ...
    std::string_view message;   ///< already formatted
    std::error_code error;      ///< set when the record reports a failure
};

/// Receives herald's log records. Called from any thread, possibly at once
/// from several; it must not throw (an exception is swallowed).
using LogSink = std::function<void(const LogRecord&)>;

/// The name of a level: "trace", "debug", "info", "warn", "error" or "off".
std::string_view to_string(LogLevel level) noexcept;

/// Routes records to the host's sink. herald never writes to stdout or
/// stderr: without a sink, records are dropped.
class Logger {
public:
    /// Installs `sink` and drops records below `min_level`. Thread-safe.
    void set_sink(LogSink sink, LogLevel min_level = LogLevel::info);

    /// True when a record at `level` would reach a sink (one atomic load).
    bool enabled(LogLevel level) const noexcept
    {
        return level >= level_.load(std::memory_order_relaxed) && level != LogLevel::off;
    }

    /// Hands one record to the sink when `level` is enabled. Never throws.
    void log(LogLevel level,
             std::string_view component,
             std::string_view message,
             std::error_code error = {}) const noexcept;

private:
    std::atomic<LogLevel> level_{LogLevel::off};
    mutable std::mutex mutex_;
    std::shared_ptr<const LogSink> sink_;
};

} // namespace herald
