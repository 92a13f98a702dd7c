// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Publishes through the server API: POST /api/publish on 127.0.0.1, one
// request per connection, at a fixed rate, without waiting for answers
// before the next publication is due.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace bench {

/// How the publications went.
struct PublishStats {
    std::size_t ok = 0;     ///< answered 200
    std::size_t failed = 0; ///< refused, unanswered or not sent
    std::int64_t first_ns = 0;       ///< the first request sent
    std::int64_t last_ns = 0;        ///< the last request sent
    std::int64_t last_answer_ns = 0; ///< the last answer read
};

/// What to publish and where.
struct PublishPlan {
    std::uint16_t port = 0;
    std::string api_key;
    std::size_t count = 0; ///< publications
    std::size_t size = 0;  ///< bytes of each publication's data (JSON)
    double rate = 0;       ///< publications per second
    double answer_timeout_s = 10;
};

/// Publishes `plan.count` publications, each stamped with its index and
/// publish time; calls `progress(sent)` now and then.
PublishStats publish_all(const PublishPlan& plan, const std::function<void(std::size_t)>& progress);

/// The data of publication `index` sent at `sent_ns`, `size` bytes long
/// once encoded (or longer, when `size` is below the stamp's own size).
std::string publication_data(std::uint32_t index, std::int64_t sent_ns, std::size_t size);

} // namespace bench
