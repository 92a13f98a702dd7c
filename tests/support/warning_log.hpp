// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// The warnings a hub and its transports log, kept for a test to read.

#include <herald/log.hpp>
#include <herald/options.hpp>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace herald::test {

class WarningLog {
public:
    /// Keeps the warnings of `component` only, or of all when it is empty.
    explicit WarningLog(std::string component = {}) : component_(std::move(component)) {}

    /// Makes `options` log warnings and worse into this log, which must
    /// outlive the hub.
    void attach(HubOptions& options)
    {
        options.log_level = LogLevel::warn;
        options.log_sink = [this](const LogRecord& record) { add(record); };
    }

    std::vector<std::string> messages() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return messages_;
    }

private:
    void add(const LogRecord& record)
    {
        if (record.level < LogLevel::warn ||
            (!component_.empty() && record.component != component_)) {
            return;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        messages_.emplace_back(record.message);
    }

    const std::string component_;
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
};

} // namespace herald::test
