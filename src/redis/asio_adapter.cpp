// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "asio_adapter.hpp"

#include <asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>

#include <memory>

namespace herald::redis {
namespace {

// One per context. Waits capture a shared_ptr, so a wait that completes
// after hiredis freed the context finds `ac_` cleared instead of a dangling
// adapter.
class Adapter : public std::enable_shared_from_this<Adapter> {
public:
    Adapter(redisAsyncContext* ac, asio::io_context& io) : ac_(ac), socket_(io, ac->c.fd) {}

    static void add_read(void* self) { slot(self)->set_reading(true); }
    static void del_read(void* self) { slot(self)->set_reading(false); }
    static void add_write(void* self) { slot(self)->set_writing(true); }
    static void del_write(void* self) { slot(self)->set_writing(false); }

    // hiredis is freeing the context and will close the descriptor itself.
    static void cleanup(void* self)
    {
        auto* owner = static_cast<std::shared_ptr<Adapter>*>(self);
        (*owner)->detach();
        delete owner;
    }

private:
    static Adapter* slot(void* self) { return static_cast<std::shared_ptr<Adapter>*>(self)->get(); }

    void set_reading(bool on)
    {
        read_.wanted = on;
        arm(read_, asio::posix::stream_descriptor::wait_read, &redisAsyncHandleRead);
    }

    void set_writing(bool on)
    {
        write_.wanted = on;
        arm(write_, asio::posix::stream_descriptor::wait_write, &redisAsyncHandleWrite);
    }

    void detach()
    {
        ac_ = nullptr;
        read_.wanted = false;
        write_.wanted = false;
        // release() cancels the waits and leaves the descriptor open.
        socket_.release();
    }

    // One direction: whether hiredis wants it, and whether a wait is out.
    struct Interest {
        bool wanted = false;
        bool armed = false;
    };

    // Waits for the socket to be ready while hiredis wants it, and lets
    // hiredis do the reading or writing.
    void arm(Interest& interest,
             asio::posix::stream_descriptor::wait_type type,
             void (*handle)(redisAsyncContext*))
    {
        if (!interest.wanted || interest.armed || ac_ == nullptr) {
            return;
        }
        interest.armed = true;
        socket_.async_wait(type, [self = shared_from_this(), &interest, type,
                                  handle](const asio::error_code& ec) {
            interest.armed = false;
            if (ec || !interest.wanted || self->ac_ == nullptr) {
                return;
            }
            handle(self->ac_);
            self->arm(interest, type, handle);
        });
    }

    redisAsyncContext* ac_;
    asio::posix::stream_descriptor socket_;
    Interest read_;
    Interest write_;
};

} // namespace

bool attach(redisAsyncContext* ac, asio::io_context& io)
{
    if (ac->ev.data != nullptr) {
        return false;
    }

    ac->ev.data = new std::shared_ptr<Adapter>(std::make_shared<Adapter>(ac, io));
    ac->ev.addRead = &Adapter::add_read;
    ac->ev.delRead = &Adapter::del_read;
    ac->ev.addWrite = &Adapter::add_write;
    ac->ev.delWrite = &Adapter::del_write;
    ac->ev.cleanup = &Adapter::cleanup;
    return true;
}

} // namespace herald::redis
