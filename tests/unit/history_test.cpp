// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/history.hpp>

#include "catch.hpp"

#include <chrono>

using herald::HistoryBuffer;
using herald::Publication;
using namespace std::chrono_literals;

namespace {

Publication pub(std::string data)
{
    Publication p;
    p.data = std::move(data);
    return p;
}

std::vector<std::uint64_t> offsets(const HistoryBuffer::ReadResult& r)
{
    std::vector<std::uint64_t> out;
    for (const auto& p : r.publications) {
        out.push_back(p->offset);
    }
    return out;
}

} // namespace

TEST_CASE("offsets start at 1 and grow by one; the epoch stays", "[history]")
{
    HistoryBuffer h(10, 60s, "E1");
    auto now = HistoryBuffer::Clock::now();
    CHECK(h.top().offset == 0);
    CHECK(h.append(pub("1"), now).top.offset == 1);
    CHECK(h.append(pub("2"), now).top.offset == 2);
    auto a = h.append(pub("3"), now);
    CHECK(a.top.offset == 3);
    CHECK(a.top.epoch == "E1");
    CHECK(a.publication->offset == 3);
    CHECK(a.publication->data == "3");
}

TEST_CASE("history is bounded by count", "[history]")
{
    HistoryBuffer h(3, 60s, "E");
    auto now = HistoryBuffer::Clock::now();
    for (int i = 1; i <= 5; ++i) {
        h.append(pub(std::to_string(i)), now);
    }
    CHECK(h.size(now) == 3);
    CHECK(h.first_offset(now) == 3);
    CHECK(offsets(h.read_after(0, -1, now)) == std::vector<std::uint64_t>{3, 4, 5});
    CHECK(h.top().offset == 5);
}

TEST_CASE("history is bounded by age", "[history]")
{
    HistoryBuffer h(100, 10s, "E");
    auto t0 = HistoryBuffer::Clock::now();
    h.append(pub("old"), t0);
    h.append(pub("mid"), t0 + 5s);
    h.append(pub("new"), t0 + 9s);

    CHECK(h.size(t0 + 9s) == 3);
    CHECK(offsets(h.read_after(0, -1, t0 + 12s)) == std::vector<std::uint64_t>{2, 3});
    CHECK(h.size(t0 + 20s) == 0);
    // The position survives when every publication has expired.
    CHECK(h.top().offset == 3);
    CHECK(h.first_offset(t0 + 20s) == 4);
}

TEST_CASE("a buffer with no history still numbers publications", "[history]")
{
    HistoryBuffer h(0, 0s, "E");
    auto now = HistoryBuffer::Clock::now();
    auto a = h.append(pub("x"), now);
    CHECK(a.top.offset == 1);
    CHECK(a.publication->data == "x");
    CHECK(h.size(now) == 0);
    CHECK(h.read_after(0, -1, now).publications.empty());
}

TEST_CASE("read_after returns everything after an offset, bounded by limit", "[history]")
{
    HistoryBuffer h(100, 60s, "E");
    auto now = HistoryBuffer::Clock::now();
    for (int i = 1; i <= 10; ++i) {
        h.append(pub(std::to_string(i)), now);
    }

    CHECK(offsets(h.read_after(7, -1, now)) == std::vector<std::uint64_t>{8, 9, 10});
    CHECK(offsets(h.read_after(2, 3, now)) == std::vector<std::uint64_t>{3, 4, 5});
    CHECK(h.read_after(10, -1, now).publications.empty());
    CHECK(h.read_after(99, -1, now).publications.empty());
    CHECK(h.read_after(5, 0, now).publications.empty());
    CHECK(h.read_after(5, -1, now).top.offset == 10);
}

TEST_CASE("read_after an offset older than what is kept starts at the oldest", "[history]")
{
    HistoryBuffer h(3, 60s, "E");
    auto now = HistoryBuffer::Clock::now();
    for (int i = 1; i <= 6; ++i) {
        h.append(pub(std::to_string(i)), now);
    }
    // The caller sees 4 != 2 and knows the replay would have a gap.
    CHECK(offsets(h.read_after(1, -1, now)) == std::vector<std::uint64_t>{4, 5, 6});
}

TEST_CASE("read_latest returns newest first", "[history]")
{
    HistoryBuffer h(100, 60s, "E");
    auto now = HistoryBuffer::Clock::now();
    for (int i = 1; i <= 5; ++i) {
        h.append(pub(std::to_string(i)), now);
    }
    CHECK(offsets(h.read_latest(2, now)) == std::vector<std::uint64_t>{5, 4});
    CHECK(offsets(h.read_latest(-1, now)) == std::vector<std::uint64_t>{5, 4, 3, 2, 1});
}

TEST_CASE("reads share the stored publication instead of copying it", "[history]")
{
    HistoryBuffer h(10, 60s, "E");
    auto now = HistoryBuffer::Clock::now();
    auto a = h.append(pub("payload"), now);
    auto r = h.read_after(0, -1, now);
    REQUIRE(r.publications.size() == 1);
    CHECK(r.publications[0].get() == a.publication.get());
}
