// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// SendBatch: what a transport defers runs once, when the outermost batch on
// its thread ends, and never on another thread.

#include "catch.hpp"

#include <herald/transport.hpp>

#include <thread>

namespace {

class CountingFlush final : public herald::BatchFlush {
public:
    void flush() noexcept override { ++flushes; }

    int flushes = 0;
};

} // namespace

TEST_CASE("without a batch, defer declines and nothing is flushed", "[send_batch]")
{
    CountingFlush flush;
    CHECK_FALSE(herald::SendBatch::defer(flush));
    CHECK(flush.flushes == 0);
}

TEST_CASE("a deferred flush runs once when the batch ends", "[send_batch]")
{
    CountingFlush flush;
    {
        herald::SendBatch batch;
        CHECK(herald::SendBatch::defer(flush));
        CHECK(herald::SendBatch::defer(flush));
        CHECK(flush.flushes == 0);
    }
    CHECK(flush.flushes == 1);
    CHECK_FALSE(herald::SendBatch::defer(flush));
}

TEST_CASE("nested batches flush when the outermost one ends", "[send_batch]")
{
    CountingFlush first, second;
    {
        herald::SendBatch outer;
        {
            herald::SendBatch inner;
            CHECK(herald::SendBatch::defer(first));
        }
        CHECK(first.flushes == 0);
        CHECK(herald::SendBatch::defer(second));
    }
    CHECK(first.flushes == 1);
    CHECK(second.flushes == 1);
}

TEST_CASE("a batch belongs to its thread", "[send_batch]")
{
    CountingFlush flush;
    herald::SendBatch batch;
    bool deferred_elsewhere = true;
    std::thread other([&] { deferred_elsewhere = herald::SendBatch::defer(flush); });
    other.join();
    CHECK_FALSE(deferred_elsewhere);
}
