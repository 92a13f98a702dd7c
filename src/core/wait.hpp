// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
//
// The synchronous forms of the hub's calls: start the asynchronous form and
// wait on this thread for its callback.
#pragma once

#include <herald/error.hpp>

#include <future>
#include <new>
#include <system_error>
#include <utility>

namespace herald::detail {

/// Calls `start(done)` and waits until `done(ec, result)` has run; returns
/// the result and sets `ec`. Never throws.
template <class Result, class Start>
Result wait_for(Start&& start, std::error_code& ec) noexcept
{
    try {
        std::promise<std::pair<std::error_code, Result>> promise;
        auto future = promise.get_future();
        start([&promise](std::error_code e, Result r) {
            promise.set_value({e, std::move(r)});
        });
        auto [e, r] = future.get();
        ec = e;
        return std::move(r);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
        ec = make_error_code(errc::internal);
    }
    return Result{};
}

/// The same for a call whose callback reports only an error code.
template <class Start>
void wait_for_outcome(Start&& start, std::error_code& ec) noexcept
{
    struct Nothing {};
    wait_for<Nothing>(
        [&start](auto done) {
            start([done = std::move(done)](std::error_code e) { done(e, Nothing{}); });
        },
        ec);
}

/// `result`, or throws std::system_error for `ec` naming `what`.
template <class Result>
Result value_or_throw(Result result, std::error_code ec, const char* what)
{
    if (ec) {
        throw_error(ec, what);
    }
    return result;
}

} // namespace herald::detail
