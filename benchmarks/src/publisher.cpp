// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "publisher.hpp"

#include "bench.hpp"
#include "client_protocol.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace bench {
namespace {

using nlohmann::json;

// One request waiting for its answer.
struct Pending {
    int fd = -1;
    std::string answer;
};

json data_object(std::uint32_t index, std::int64_t sent_ns, std::size_t pad)
{
    return json{{"bench", make_stamp(index, sent_ns)}, {"pad", std::string(pad, 'x')}};
}

std::string request_text(const PublishPlan& plan, const std::string& body)
{
    return "POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(plan.port) +
           "\r\nX-API-Key: " + plan.api_key +
           "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Connects and writes the whole request; -1 when either fails.
int send_request(std::uint16_t port, const std::string& request)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
        write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

bool answered_ok(const std::string& answer)
{
    return answer.compare(0, 12, "HTTP/1.1 200") == 0 || answer.compare(0, 12, "HTTP/1.0 200") == 0;
}

// Reads whatever answers have arrived, for up to `wait_ms`; closes and
// counts the finished ones.
void collect(std::vector<Pending>& pending, int wait_ms, PublishStats& stats)
{
    std::vector<pollfd> polls;
    for (const auto& p : pending) {
        polls.push_back({p.fd, POLLIN, 0});
    }
    if (poll(polls.data(), polls.size(), wait_ms) <= 0) {
        return;
    }
    for (std::size_t i = 0; i < polls.size(); ++i) {
        if (polls[i].revents == 0) {
            continue;
        }
        char buf[4096];
        ssize_t n = 0;
        while ((n = read(pending[i].fd, buf, sizeof(buf))) > 0) {
            pending[i].answer.append(buf, static_cast<std::size_t>(n));
        }
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            ++(answered_ok(pending[i].answer) ? stats.ok : stats.failed);
            stats.last_answer_ns = now_ns();
            close(pending[i].fd);
            pending[i].fd = -1;
        }
    }
    pending.erase(
        std::remove_if(pending.begin(), pending.end(), [](const Pending& p) { return p.fd < 0; }),
        pending.end());
}

int ms_until(std::int64_t when_ns)
{
    const std::int64_t left = when_ns - now_ns();
    return left <= 0 ? 0 : static_cast<int>((left + 999'999) / 1'000'000);
}

} // namespace

std::string publication_data(std::uint32_t index, std::int64_t sent_ns, std::size_t size)
{
    const std::size_t bare = data_object(index, sent_ns, 0).dump().size();
    return data_object(index, sent_ns, size > bare ? size - bare : 0).dump();
}

PublishStats publish_all(const PublishPlan& plan, const std::function<void(std::size_t)>& progress)
{
    PublishStats stats;
    std::vector<Pending> pending;
    const std::int64_t start = now_ns();
    const double period_ns = 1e9 / plan.rate;
    for (std::size_t i = 0; i < plan.count; ++i) {
        const auto due = start + static_cast<std::int64_t>(period_ns * static_cast<double>(i));
        while (now_ns() < due) {
            if (pending.empty()) {
                poll(nullptr, 0, ms_until(due));
            } else {
                collect(pending, ms_until(due), stats);
            }
        }

        const std::int64_t sent = now_ns();
        const auto index = static_cast<std::uint32_t>(i);
        const json data = json::parse(publication_data(index, sent, plan.size));
        const json body = {{"channel", channel}, {"data", data}};
        const int fd = send_request(plan.port, request_text(plan, body.dump()));
        if (fd < 0) {
            ++stats.failed;
        } else {
            pending.push_back({fd, {}});
        }
        stats.first_ns = i == 0 ? sent : stats.first_ns;
        stats.last_ns = sent;
        if (i % 16 == 0) {
            progress(i);
        }
    }
    progress(plan.count);

    const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(plan.answer_timeout_s * 1e9);
    while (!pending.empty() && now_ns() < deadline) {
        collect(pending, ms_until(deadline), stats);
    }
    for (const auto& p : pending) {
        close(p.fd);
        ++stats.failed;
    }
    return stats;
}

} // namespace bench
