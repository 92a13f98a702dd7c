// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// An in-memory transport connection for tests: it records every frame a
// session writes and how the session closed it, with no socket involved.

#include <herald/transport.hpp>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace herald::test {

class FakeConnection final : public Connection {
public:
    SendStatus send(const FramePtr& frame, std::size_t queue_limit) override
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (held_) {
            ++waiting_;
            released_.wait(lock, [this] { return !held_; });
            --waiting_;
        }
        senders_.insert(std::this_thread::get_id());
        if (closed_) {
            return SendStatus::closed;
        }
        if (buffered_ + frame->text().size() > queue_limit) {
            return SendStatus::full;
        }
        frames_.push_back(frame);
        buffered_ += frame->text().size();
        return SendStatus::ok;
    }

    void close(Disconnect reason) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!closed_) {
            closed_ = reason.code;
        }
    }

    std::string remote_address() const override { return "test"; }

    /// Pretends the socket stopped draining (true) or drained everything.
    void set_stalled(bool stalled)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stalled_ = stalled;
        if (!stalled_) {
            buffered_ = 0;
        }
    }

    /// Makes every send wait until hold(false), as a transport stuck in a
    /// write would (true), or lets the sends through again (false).
    void hold(bool held)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        held_ = held;
        released_.notify_all();
    }

    /// True while a send waits for hold(false).
    bool holding() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return waiting_ > 0;
    }

    /// The threads that called send since the last clear().
    std::set<std::thread::id> senders() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return senders_;
    }

    /// Every message written so far, one JSON document per line, in order.
    std::vector<nlohmann::json> messages() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<nlohmann::json> out;
        for (const auto& frame : frames_) {
            std::string text(frame->text());
            std::size_t pos = 0;
            while (pos <= text.size()) {
                auto end = text.find('\n', pos);
                if (end == std::string::npos) {
                    end = text.size();
                }
                if (end > pos) {
                    out.push_back(nlohmann::json::parse(text.substr(pos, end - pos)));
                }
                pos = end + 1;
            }
        }
        return out;
    }

    /// The frames themselves, to check that subscribers share one.
    std::vector<FramePtr> frames() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return frames_;
    }

    std::optional<std::uint16_t> close_code() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return closed_;
    }

    void clear()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        frames_.clear();
        senders_.clear();
        if (!stalled_) {
            buffered_ = 0;
        }
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable released_;
    std::vector<FramePtr> frames_;
    std::set<std::thread::id> senders_;
    std::optional<std::uint16_t> closed_;
    std::size_t buffered_ = 0;
    bool stalled_ = false;
    bool held_ = false;
    int waiting_ = 0;
};

} // namespace herald::test
