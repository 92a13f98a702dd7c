// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald {

/// Who a client is, as other clients see it in presence and publications.
struct ClientInfo {
    std::string user;      ///< user id; empty for anonymous connections
    std::string client;    ///< connection id
    std::string conn_info; ///< raw JSON from the token's `info`, or empty
    std::string chan_info; ///< raw JSON attached to the subscription, or empty
};

/// One message in a channel's stream.
struct Publication {
    std::uint64_t offset = 0; ///< position in the stream, from 1
    std::string data;         ///< the payload: one JSON value, no raw newline
    std::optional<ClientInfo> info;            ///< set when a client published
    std::map<std::string, std::string> tags;   ///< optional key/value labels
};

/// A shared, immutable publication: history and fan-out never copy payloads.
using PublicationPtr = std::shared_ptr<const Publication>;

/// A place in a channel's stream: the offset of the last publication and the
/// epoch, which changes whenever the stream is lost and started again.
struct StreamPosition {
    std::uint64_t offset = 0;
    std::string epoch;

    friend bool operator==(const StreamPosition& a, const StreamPosition& b)
    {
        return a.offset == b.offset && a.epoch == b.epoch;
    }

    friend bool operator!=(const StreamPosition& a, const StreamPosition& b)
    {
        return !(a == b);
    }
};

/// The stream of one channel: a strictly increasing offset, an epoch, and the
/// most recent publications, bounded by count and by age. Not thread-safe:
/// the owner serialises access.
class HistoryBuffer {
public:
    using Clock = std::chrono::steady_clock;

    /// What a read returns: the publications asked for, and the stream top
    /// at the moment of the read.
    struct ReadResult {
        std::vector<PublicationPtr> publications;
        StreamPosition top;
    };

    /// A stream that keeps at most `max_size` publications for `ttl`.
    HistoryBuffer(std::size_t max_size, Clock::duration ttl, std::string epoch)
        : max_size_(max_size), ttl_(ttl), epoch_(std::move(epoch))
    {
    }

    /// What append() returns: the new top and the stored publication.
    struct AppendResult {
        StreamPosition top;
        PublicationPtr publication;
    };

    /// Appends `pub`, giving it the next offset; it is kept while the bounds
    /// allow. The returned publication is shared with the buffer, not copied.
    AppendResult append(Publication pub, Clock::time_point now)
    {
        pub.offset = ++top_;
        prune(now);

        auto stored = std::make_shared<const Publication>(std::move(pub));
        if (max_size_ > 0 && ttl_ > Clock::duration::zero()) {
            entries_.push_back({stored, now});
            if (entries_.size() > max_size_) {
                entries_.pop_front();
            }
        }
        return {top(), std::move(stored)};
    }

    /// Changes the bounds; the next append or read applies them.
    void set_limits(std::size_t max_size, Clock::duration ttl)
    {
        max_size_ = max_size;
        ttl_ = ttl;
    }

    /// Up to `limit` publications with offset > `after`, oldest first
    /// (`limit` < 0: no limit). O(1) to find the first one.
    ReadResult read_after(std::uint64_t after, std::ptrdiff_t limit, Clock::time_point now)
    {
        prune(now);
        ReadResult result{{}, top()};
        if (entries_.empty() || after >= top_) {
            return result;
        }

        std::uint64_t first = entries_.front().pub->offset;
        std::size_t begin = after < first ? 0 : static_cast<std::size_t>(after - first + 1);
        std::size_t end = entries_.size();
        if (limit >= 0 && end - begin > static_cast<std::size_t>(limit)) {
            end = begin + static_cast<std::size_t>(limit);
        }

        result.publications.reserve(end - begin);
        for (std::size_t i = begin; i < end; ++i) {
            result.publications.push_back(entries_[i].pub);
        }
        return result;
    }

    /// Up to `limit` of the newest publications, newest first.
    ReadResult read_latest(std::ptrdiff_t limit, Clock::time_point now)
    {
        prune(now);
        ReadResult result{{}, top()};
        std::size_t n = entries_.size();
        if (limit >= 0 && n > static_cast<std::size_t>(limit)) {
            n = static_cast<std::size_t>(limit);
        }

        result.publications.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            result.publications.push_back(entries_[entries_.size() - 1 - i].pub);
        }
        return result;
    }

    /// The offset of the oldest publication still kept; top + 1 when none is.
    std::uint64_t first_offset(Clock::time_point now)
    {
        prune(now);
        return entries_.empty() ? top_ + 1 : entries_.front().pub->offset;
    }

    /// Publications currently kept.
    std::size_t size(Clock::time_point now)
    {
        prune(now);
        return entries_.size();
    }

    /// The offset of the last publication and the epoch.
    StreamPosition top() const { return {top_, epoch_}; }

private:
    struct Entry {
        PublicationPtr pub;
        Clock::time_point added;
    };

    void prune(Clock::time_point now)
    {
        while (!entries_.empty() &&
               (entries_.size() > max_size_ || now - entries_.front().added >= ttl_)) {
            entries_.pop_front();
        }
    }

    std::size_t max_size_;
    Clock::duration ttl_;
    std::string epoch_;
    std::uint64_t top_ = 0;
    std::deque<Entry> entries_;
};

} // namespace herald
