// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <herald/error.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald {

/// One encoded outgoing message (one or more newline-separated protocol
/// replies). A publication becomes one Frame that every subscriber shares;
/// a transport frames it once, on first use, and reuses that for everyone.
class Frame {
public:
    explicit Frame(std::string text) : text_(std::move(text)) {}

    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;

    /// The protocol text.
    std::string_view text() const noexcept { return text_; }

    /// The transport's prepared form of this frame, built by `make(text())`
    /// the first time any connection asks and shared afterwards. A process
    /// runs one transport kind per frame, so one slot is enough; `make` must
    /// return the same type on every call. Thread-safe.
    template <class Make>
    const std::shared_ptr<const void>& prepared(Make&& make) const
    {
        std::call_once(once_, [&] { prepared_ = make(text()); });
        return prepared_;
    }

private:
    std::string text_;
    mutable std::once_flag once_;
    mutable std::shared_ptr<const void> prepared_;
};

/// A shared, immutable frame.
using FramePtr = std::shared_ptr<const Frame>;

/// The outcome of queueing a frame on a connection.
enum class SendStatus {
    ok,     ///< queued for writing (or already written)
    full,   ///< the queue would pass its limit; nothing was queued
    closed, ///< the connection is gone; nothing was queued
};

/// Work a transport put off until the end of the current SendBatch.
class BatchFlush {
public:
    /// Hands the writes gathered on this thread to the kernel and settles
    /// their outcomes. Runs on the thread that gathered them.
    virtual void flush() noexcept = 0;

protected:
    ~BatchFlush() = default;
};

/// Marks a run of sends on one thread, such as one publication's fan-out,
/// that a transport may submit to the kernel together instead of one system
/// call per send. A transport that batches calls defer() from its send and
/// finishes the writes when the outermost batch on the thread ends; without
/// an open batch it writes at once.
class SendBatch {
public:
    SendBatch() noexcept : outer_(current())
    {
        if (outer_ == nullptr) {
            current() = this;
        }
    }

    ~SendBatch()
    {
        if (outer_ != nullptr) {
            return;
        }
        current() = nullptr;
        for (BatchFlush* flush : flushes_) {
            flush->flush();
        }
    }

    SendBatch(const SendBatch&) = delete;
    SendBatch& operator=(const SendBatch&) = delete;

    /// Runs `flush` when the open batch on this thread ends (once, however
    /// often it is deferred). False when no batch is open: write at once.
    static bool defer(BatchFlush& flush)
    {
        SendBatch* batch = current();
        if (batch == nullptr) {
            return false;
        }
        for (BatchFlush* known : batch->flushes_) {
            if (known == &flush) {
                return true;
            }
        }
        batch->flushes_.push_back(&flush);
        return true;
    }

private:
    static SendBatch*& current() noexcept
    {
        static thread_local SendBatch* batch = nullptr;
        return batch;
    }

    SendBatch* outer_;
    std::vector<BatchFlush*> flushes_;
};

/// One client connection as a transport sees it. herald's sessions talk to
/// their clients only through this interface.
class Connection {
public:
    virtual ~Connection() = default;

    /// Queues `frame` for writing unless the bytes waiting to be written
    /// would then pass `queue_limit`. Thread-safe; frames queued from one
    /// thread are written in the order they were queued. This is the
    /// delivery hot path: it reports through its status and never throws.
    virtual SendStatus send(const FramePtr& frame, std::size_t queue_limit) = 0;

    /// Closes the connection with `reason` once queued frames are written.
    /// Thread-safe and idempotent.
    virtual void close(Disconnect reason) = 0;

    /// The peer's address, for logs ("127.0.0.1:53122").
    virtual std::string remote_address() const = 0;
};

} // namespace herald
