// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// websocketpp's Asio transport with one writer per socket that herald owns.
//
// websocketpp sends each message by posting work to the connection's strand,
// building a buffer list there and starting an Asio write whose completion is
// posted back again: two handler allocations and two trips through the
// scheduler per delivery, which cost more than the fan-out loop itself.
// This transport writes a shared frame straight to the socket from the
// calling thread with one non-blocking send. Only when the socket's
// buffer is full does it queue, and it then waits for the socket to become
// writable and writes everything queued in one call.
//
// websocketpp's own writes (the handshake response, close and pong frames)
// go through the same queue, so the two never interleave on the wire.
//
// Built with liburing, the writes of one SendBatch (one fan-out lane's pass
// over a publication) are instead gathered on an io_uring of the thread and
// submitted together, one system call for the batch rather than one per
// client; each connection then settles its write when the batch ends.
// Private to the WebSocket transport's translation unit.

#include <herald/transport.hpp>

#include <websocketpp/transport/asio/endpoint.hpp>

#include <sys/socket.h>
#include <sys/uio.h>

#ifdef HERALD_HAVE_IO_URING
#include <liburing.h>
#endif

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace herald::detail {

/// A connection whose write was handed to a BatchWriter.
class BatchedWrite {
public:
    /// The write's outcome: bytes written, or a negative errno; `owner`
    /// holds the bytes until this returns.
    virtual void settle(int result, const FramePtr& owner) noexcept = 0;

protected:
    ~BatchedWrite() = default;
};

#ifdef HERALD_HAVE_IO_URING

/// One thread's io_uring for the writes of its send batches.
class BatchWriter final : public BatchFlush {
public:
    /// This thread's writer inside an open SendBatch; null outside one or
    /// when the kernel refuses io_uring (then every write is a direct send).
    static BatchWriter* for_batch()
    {
        static thread_local BatchWriter writer;
        if (!writer.ready_ || !SendBatch::defer(writer)) {
            return nullptr;
        }
        return &writer;
    }

    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// Queues one send of `bytes` on `fd`, which `owner` holds; `target` is
    /// kept alive and settled when the batch ends. False when the ring
    /// cannot take it: write it directly.
    bool add(std::shared_ptr<BatchedWrite> target,
             int fd,
             std::string_view bytes,
             const FramePtr& owner)
    {
        io_uring_sqe* sqe = ready_ ? io_uring_get_sqe(&ring_) : nullptr;
        if (sqe == nullptr && ready_) {
            // The ring is full: what it holds goes out now, the rest later.
            // This settles other connections of this batch while the
            // caller holds its own connection's lock; that nesting is safe
            // because a batch only ever holds the sessions of one fan-out
            // lane, and nothing else locks two connections.
            flush();
            sqe = ready_ ? io_uring_get_sqe(&ring_) : nullptr;
        }
        if (sqe == nullptr) {
            return false;
        }

        // A plain send, not sendmsg: the kernel then has no message header
        // and vector to copy in for each client.
        io_uring_prep_send(sqe, fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, targets_.size());

        // A fan-out sends one frame to everyone: one reference for the
        // run, not a contended count per client.
        if (owners_.empty() || owners_.back() != owner) {
            owners_.push_back(owner);
        }
        targets_.push_back({std::move(target), owners_.size() - 1});
        return true;
    }

    void flush() noexcept override
    {
        if (targets_.empty()) {
            return;
        }

        const auto count = static_cast<unsigned>(targets_.size());
        int submitted;
        do {
            submitted = io_uring_submit(&ring_);
        } while (submitted == -EINTR);

        // Entries a short submission left in the ring must never go out
        // later, so from then on this thread writes directly.
        if (submitted != static_cast<int>(count)) {
            ready_ = false;
        }
        settle_all(submitted < 0 ? 0 : static_cast<std::size_t>(submitted));
    }

private:
    BatchWriter()
    {
        constexpr unsigned entries = 1024;
        open_ = io_uring_queue_init(entries, &ring_, 0) == 0;
        ready_ = open_;
    }

    ~BatchWriter()
    {
        if (open_) {
            io_uring_queue_exit(&ring_);
        }
    }

    // Hands each of the first `submitted` writes its completion, then tells
    // the others that nothing of theirs went out (-EAGAIN). MSG_DONTWAIT
    // makes the kernel finish every send during the submission (a full
    // socket answers -EAGAIN), so the waits below do not block.
    void settle_all(std::size_t submitted) noexcept
    {
        for (std::size_t i = 0; i < submitted; ++i) {
            io_uring_cqe* cqe = nullptr;
            int rc;
            do {
                rc = io_uring_wait_cqe(&ring_, &cqe);
            } while (rc == -EINTR);
            if (rc < 0) {
                break;
            }
            auto& entry = targets_[static_cast<std::size_t>(io_uring_cqe_get_data64(cqe))];
            const int result = cqe->res;
            io_uring_cqe_seen(&ring_, cqe);
            entry.target->settle(result, owners_[entry.owner]);
            entry.target.reset();
        }
        for (auto& entry : targets_) {
            if (entry.target) {
                entry.target->settle(-EAGAIN, owners_[entry.owner]);
            }
        }
        targets_.clear();
        owners_.clear();
    }

    struct Target {
        std::shared_ptr<BatchedWrite> target;
        std::size_t owner; // index into owners_
    };

    io_uring ring_{};
    bool open_ = false;  // the ring exists
    bool ready_ = false; // and takes writes
    std::vector<Target> targets_;
    std::vector<FramePtr> owners_;
};

#endif // HERALD_HAVE_IO_URING

/// How many of a server's connections are still alive. A connection can
/// outlive its session: a fan-out lane's batch or a broker thread may hold
/// the last reference and drop it after the session has closed.
class LiveConnections {
public:
    void add()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++count_;
    }

    void remove()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--count_ == 0) {
            none_.notify_all();
        }
    }

    /// Waits up to `limit` for the last one to be destroyed; the number
    /// still alive then.
    std::size_t wait_for_none(std::chrono::milliseconds limit)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        none_.wait_for(lock, limit, [this] { return count_ == 0; });
        return count_;
    }

private:
    std::mutex mutex_;
    std::condition_variable none_;
    std::size_t count_ = 0;
};

/// Counts its connection in a LiveConnections until the connection has been
/// destroyed, socket and timers included.
class CountedConnection {
public:
    CountedConnection() = default;
    CountedConnection(const CountedConnection&) = delete;
    CountedConnection& operator=(const CountedConnection&) = delete;

    /// Once, before the connection is reachable from other threads.
    void count_in(std::shared_ptr<LiveConnections> live)
    {
        live->add();
        live_ = std::move(live);
    }

protected:
    ~CountedConnection()
    {
        if (live_) {
            live_->remove();
        }
    }

private:
    std::shared_ptr<LiveConnections> live_;
};

/// Bytes still to be written, and what keeps them alive.
struct PendingWrite {
    const char* data = nullptr;
    std::size_t size = 0;

    /// Owns `data` for herald's frames; websocketpp owns its own bytes
    /// until `done` has run.
    FramePtr owner;

    /// websocketpp's completion, set on the last piece of one of its writes.
    websocketpp::transport::write_handler done;
};

/// The pieces waiting to be written, in order. Most connections never queue
/// anything, and an empty std::deque already holds a block of its own, so
/// the deque exists only while something waits.
class PendingQueue {
public:
    bool empty() const noexcept { return !items_; }
    PendingWrite& front() { return items_->front(); }
    void push_back(PendingWrite piece) { items().push_back(std::move(piece)); }
    void push_front(PendingWrite piece) { items().push_front(std::move(piece)); }
    void clear() noexcept { items_.reset(); }

    void pop_front()
    {
        items_->pop_front();
        if (items_->empty()) {
            items_.reset();
        }
    }

    /// Calls `fn` on each piece, front first, until it returns false.
    template <class Fn>
    void for_each(Fn&& fn)
    {
        if (!items_) {
            return;
        }
        for (auto& piece : *items_) {
            if (!fn(piece)) {
                return;
            }
        }
    }

private:
    std::deque<PendingWrite>& items()
    {
        if (!items_) {
            items_ = std::make_unique<std::deque<PendingWrite>>();
        }
        return *items_;
    }

    std::unique_ptr<std::deque<PendingWrite>> items_;
};

/// The transport connection websocketpp derives each connection from.
/// CountedConnection comes first so that it is destroyed last, after the
/// socket and the timers, which need the server's io_context.
template <class Config>
class DirectWriteConnection : public CountedConnection,
                              public websocketpp::transport::asio::connection<Config>,
                              public BatchedWrite {
    using base = websocketpp::transport::asio::connection<Config>;
    using Buffer = websocketpp::transport::buffer;
    using WriteHandler = websocketpp::transport::write_handler;

public:
    using base::base;

    /// Lets writes inside a SendBatch go through the thread's io_uring
    /// (when herald is built with liburing). Set before the first write.
    void set_batching(bool on) noexcept { batching_ = on; }

    /// Writes `bytes` (a whole frame, kept alive by `owner`) unless more than
    /// `limit` bytes would then wait in the queue. Any thread. `owner` is
    /// copied only when the bytes must outlive the call: a frame shared by
    /// every subscriber would otherwise bounce its reference count between
    /// the cores on every delivery.
    SendStatus write_shared(const FramePtr& owner, std::string_view bytes, std::size_t limit)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (failed_ || closing_) {
            return SendStatus::closed;
        }

        if (queue_.empty() && !in_flight_) {
            if (hand_to_batch(owner, bytes)) {
                return SendStatus::ok;
            }
            std::size_t written = 0;
            if (!write_now(bytes, written)) {
                return SendStatus::closed;
            }
            if (written < bytes.size()) {
                push(bytes.data() + written, bytes.size() - written, owner, nullptr);
                wait_writable_locked();
            }
            return SendStatus::ok;
        }

        if (queued_bytes_ + bytes.size() > limit) {
            return SendStatus::full;
        }
        push(bytes.data(), bytes.size(), owner, nullptr);
        return SendStatus::ok;
    }

    /// websocketpp's entry points; they hide the base class's.
    void async_write(const char* data, std::size_t size, WriteHandler handler)
    {
        std::vector<Buffer> bufs{Buffer(data, size)};
        async_write(bufs, std::move(handler));
    }

    void async_write(const std::vector<Buffer>& bufs, WriteHandler handler)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        if (failed_) {
            lock.unlock();
            complete(std::move(handler), write_error());
            return;
        }

        // After a close frame the protocol allows no more data frames.
        if (carries_close_frame(bufs)) {
            closing_ = true;
        }
        for (std::size_t i = 0; i < bufs.size(); ++i) {
            const bool last = i + 1 == bufs.size();
            push(bufs[i].buf, bufs[i].len, nullptr, last ? std::move(handler) : nullptr);
        }
        if (bufs.empty()) {
            push(nullptr, 0, nullptr, std::move(handler));
        }
        if (!waiting_ && !in_flight_) {
            flush_locked(lock);
        }
    }

    /// The outcome of the write handed to the batch: bytes written or a
    /// negative errno. Runs on the thread that batched it.
    void settle(int result, const FramePtr& owner) noexcept override
    {
        std::unique_lock<std::mutex> lock(mutex_);
        in_flight_ = false;
        const std::string_view done = batched_;
        batched_ = {};
        if (result < 0 && result != -EAGAIN) {
            fail_all(lock);
            return;
        }

        // What the batched write left unwritten goes before anything
        // queued behind it meanwhile.
        const std::size_t written = result < 0 ? 0 : static_cast<std::size_t>(result);
        if (written < done.size()) {
            const std::string_view left = done.substr(written);
            queue_.push_front({left.data(), left.size(), owner, nullptr});
            queued_bytes_ += left.size();
        }
        if (!queue_.empty() && !waiting_) {
            flush_locked(lock);
        }
    }

private:
    bool hand_to_batch(const FramePtr& owner, std::string_view bytes)
    {
#ifdef HERALD_HAVE_IO_URING
        BatchWriter* writer = batching_ ? BatchWriter::for_batch() : nullptr;
        if (writer == nullptr) {
            return false;
        }

        auto self = std::static_pointer_cast<DirectWriteConnection>(this->get_shared());
        if (!writer->add(std::move(self), fd(), bytes, owner)) {
            return false;
        }
        batched_ = bytes;
        in_flight_ = true;
        return true;
#else
        (void)owner;
        (void)bytes;
        return false;
#endif
    }

    // Fails the connection: websocketpp's writes in `finished` and in the
    // queue all complete with an error.
    void fail_all(std::unique_lock<std::mutex>& lock, std::vector<WriteHandler> finished = {})
    {
        take_handlers_locked(finished);
        fail_locked();
        lock.unlock();
        for (auto& handler : finished) {
            complete(std::move(handler), write_error());
        }
    }

    // websocketpp's frame writes are header and payload buffer pairs.
    static bool carries_close_frame(const std::vector<Buffer>& bufs)
    {
        // FIN and the close opcode; websocketpp never fragments control
        // frames, and an HTTP response starts with 'H'.
        constexpr unsigned char final_close = 0x88;
        for (std::size_t i = 0; i < bufs.size(); i += 2) {
            if (bufs[i].len >= 2 && static_cast<unsigned char>(bufs[i].buf[0]) == final_close) {
                return true;
            }
        }
        return false;
    }

    static std::error_code write_error()
    {
        return websocketpp::transport::error::make_error_code(
            websocketpp::transport::error::pass_through);
    }

    int fd() { return this->get_socket().native_handle(); }

    // sendmsg only reads through iov_base.
    static iovec piece(std::string_view bytes)
    {
        return {const_cast<char*>(bytes.data()), bytes.size()};
    }

    // One send of `bytes`. False when the connection failed.
    bool write_now(std::string_view bytes, std::size_t& written)
    {
        ssize_t n;
        do {
            n = ::send(fd(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fail_locked();
                return false;
            }
            n = 0;
        }
        written = static_cast<std::size_t>(n);
        return true;
    }

    ssize_t send_iov(iovec* iov, std::size_t count)
    {
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = count;
        ssize_t n;
        do {
            n = ::sendmsg(fd(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n;
    }

    void push(const char* data, std::size_t size, FramePtr owner,
              WriteHandler done)
    {
        queue_.push_back({data, size, std::move(owner), std::move(done)});
        queued_bytes_ += size;
    }

    // Writes as much of the queue as the socket takes, in one call per
    // batch, then hands websocketpp its finished writes. A failed write
    // fails them all, like everything still queued.
    void flush_locked(std::unique_lock<std::mutex>& lock)
    {
        std::vector<WriteHandler> finished;
        if (!drain_locked(finished)) {
            fail_all(lock, std::move(finished));
            return;
        }
        if (!queue_.empty()) {
            wait_writable_locked();
        }
        lock.unlock();

        for (auto& handler : finished) {
            complete(std::move(handler), std::error_code());
        }
    }

    bool drain_locked(std::vector<WriteHandler>& finished)
    {
        constexpr std::size_t batch = 128;
        std::array<iovec, batch> iov;
        while (!queue_.empty()) {
            std::size_t count = 0;
            queue_.for_each([&](const PendingWrite& pending) {
                iov[count++] = piece({pending.data, pending.size});
                return count < batch;
            });
            const ssize_t n = send_iov(iov.data(), count);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    break;
                }
                return false;
            }
            consume_locked(static_cast<std::size_t>(n), finished);
        }
        collect_empty_locked(finished);
        return true;
    }

    // Drops `n` written bytes from the front of the queue.
    void consume_locked(std::size_t n, std::vector<WriteHandler>& finished)
    {
        queued_bytes_ -= n;
        while (n > 0) {
            PendingWrite& front = queue_.front();
            if (n < front.size) {
                front.data += n;
                front.size -= n;
                return;
            }
            n -= front.size;
            if (front.done) {
                finished.push_back(std::move(front.done));
            }
            queue_.pop_front();
        }
        collect_empty_locked(finished);
    }

    // Pieces of no bytes (an empty write) finish as soon as they reach the front.
    void collect_empty_locked(std::vector<WriteHandler>& finished)
    {
        while (!queue_.empty() && queue_.front().size == 0) {
            if (queue_.front().done) {
                finished.push_back(std::move(queue_.front().done));
            }
            queue_.pop_front();
        }
    }

    void take_handlers_locked(std::vector<WriteHandler>& finished)
    {
        queue_.for_each([&](PendingWrite& pending) {
            if (pending.done) {
                finished.push_back(std::move(pending.done));
            }
            return true;
        });
    }

    // A write failed: the peer is gone. Ending the socket also ends
    // websocketpp's pending read, which then tears the connection down.
    void fail_locked()
    {
        failed_ = true;
        queue_.clear();
        queued_bytes_ = 0;
        ::shutdown(fd(), SHUT_RDWR);
    }

    void wait_writable_locked()
    {
        if (waiting_) {
            return;
        }
        waiting_ = true;

        // Socket operations belong on the connection's strand.
        auto self = std::static_pointer_cast<DirectWriteConnection>(this->get_shared());
        asio::post(*this->get_strand(), [self] { self->start_wait(); });
    }

    void start_wait()
    {
        auto self = std::static_pointer_cast<DirectWriteConnection>(this->get_shared());
        this->get_socket().async_wait(
            asio::socket_base::wait_write,
            asio::bind_executor(*this->get_strand(),
                                [self](const std::error_code& ec) { self->on_writable(ec); }));
    }

    void on_writable(const std::error_code& ec)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        waiting_ = false;
        if (!ec) {
            flush_locked(lock);
            return;
        }
        fail_all(lock);
    }

    // websocketpp expects its write handlers later, on the strand, never
    // inside the call that started the write. Its frame handler holds a
    // plain `this`, so the connection must be kept alive until it has run.
    void complete(WriteHandler handler, std::error_code ec)
    {
        asio::post(*this->get_strand(),
                   [self = this->get_shared(), handler = std::move(handler), ec] {
                       handler(ec);
                   });
    }

    std::mutex mutex_;
    PendingQueue queue_;
    std::size_t queued_bytes_ = 0;
    std::string_view batched_; // the write in this thread's batch
    bool batching_ = false;
    bool in_flight_ = false; // batched_ waits for its batch to end
    bool waiting_ = false;   // a writability wait is armed or about to be
    bool failed_ = false;    // a write failed; nothing more is written
    bool closing_ = false;   // a close frame is queued or written
};

/// websocketpp's Asio endpoint, making its connections DirectWriteConnection.
template <class Config>
class DirectWriteEndpoint : public websocketpp::transport::asio::endpoint<Config> {
public:
    using transport_con_type = DirectWriteConnection<Config>;
    using transport_con_ptr = typename transport_con_type::ptr;
};

} // namespace herald::detail
