// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/history.hpp>
#include <herald/options.hpp>
#include <herald/transport.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace herald {

class Session;

namespace detail {
class HubCore;
struct Subscription;
} // namespace detail

/// A named stream on this node: its resolved options, its last known
/// position, and the local sessions subscribed to it. The Hub creates a
/// Channel when its first local subscriber arrives and drops it after the
/// last one leaves; history and offsets live in the Broker, not here.
class Channel {
public:
    Channel(std::string name, ChannelOptions options)
        : name_(std::move(name)), options_(std::move(options))
    {
    }

    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    /// The full channel name, "match:42".
    const std::string& name() const noexcept { return name_; }

    /// The options of the channel's namespace.
    const ChannelOptions& options() const noexcept { return options_; }

    /// Local sessions subscribed now.
    std::size_t num_subscribers() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return subscribers_ ? subscribers_->size() : 0;
    }

private:
    friend class detail::HubCore;

    using SubscriberList = std::vector<std::shared_ptr<detail::Subscription>>;

    std::string name_;
    ChannelOptions options_;

    // Fan-out reads a snapshot of the list without holding the lock, so
    // subscribers joining or leaving never wait behind a delivery.
    mutable std::mutex mutex_;
    std::shared_ptr<const SubscriberList> subscribers_;
};

} // namespace herald
