// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Drives a hiredis asynchronous context from an Asio event loop: hiredis
// says when it wants to read or write through its ev hooks, and the adapter
// turns each wish into a wait on the socket. hiredis does every read, write
// and parse itself.

#include <asio/io_context.hpp>

struct redisAsyncContext;

namespace herald::redis {

/// Hooks `ac` into `io`. The context must only be used on `io`'s thread from
/// then on. The adapter lives until hiredis frees the context.
/// Returns false when `ac` already has an event library attached; throws
/// std::system_error when the reactor refuses the descriptor.
bool attach(redisAsyncContext* ac, asio::io_context& io);

} // namespace herald::redis
