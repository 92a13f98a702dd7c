// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
//
// Stopping and destroying a WebSocketServer while the hub's fan-out lanes
// are writing to its connections. A lane may hold the last reference to a
// connection; its socket must not outlive the server's io_context. Built
// with -fsanitize=address a round fails as a use-after-free when it does,
// which needs a lane's pass to outlast the stop: a narrow window, hence
// the rounds.

#include <herald/hub.hpp>
#include <herald/log.hpp>
#include <herald/websocket.hpp>

#include "catch.hpp"
#include "warning_log.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr std::size_t client_count = 400;
constexpr int rounds = 6;
constexpr std::string_view channel = "news";

// A masked client text frame (RFC 6455 5.2) of a short message.
std::string client_frame(std::string_view text)
{
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    std::string out;
    out.push_back(static_cast<char>(0x81));
    out.push_back(static_cast<char>(0x80 | text.size()));
    out.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < text.size(); ++i) {
        out.push_back(static_cast<char>(text[i] ^ mask[i % 4]));
    }
    return out;
}

bool send_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Reads the handshake response up to its blank line; true on 101.
bool read_upgrade(int fd)
{
    std::string head;
    char c;
    while (head.size() < 4096 && head.find("\r\n\r\n") == std::string::npos) {
        if (::recv(fd, &c, 1, 0) != 1) {
            return false;
        }
        head.push_back(c);
    }
    return head.rfind("HTTP/1.1 101", 0) == 0;
}

// A raw WebSocket client on the loopback that connects its session and
// subscribes to `channel`; -1 when any step fails.
int open_subscriber(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }

    const std::string request = "GET /connection/websocket HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\n"
                                "Upgrade: websocket\r\n"
                                "Connection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                "Sec-WebSocket-Version: 13\r\n\r\n";
    const std::string commands = client_frame(R"({"connect":{"name":"race"},"id":1})") +
                                 client_frame(R"({"subscribe":{"channel":"news"},"id":2})");
    if (!send_all(fd, request) || !read_upgrade(fd) || !send_all(fd, commands)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::size_t subscribers(const herald::Hub& hub)
{
    for (const auto& summary : hub.channels()) {
        if (summary.name == channel) {
            return summary.num_clients;
        }
    }
    return 0;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit)
{
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// Reads and drops what the clients receive, so that their lanes keep
// writing, and answers the server's close frame at once.
class Readers {
public:
    explicit Readers(const std::vector<int>& fds)
        : thread_([this, fds] { run(fds); })
    {
    }

    ~Readers()
    {
        stop_.store(true);
        thread_.join();
    }

    std::size_t received() const { return received_.load(); }

private:
    void run(std::vector<int> fds)
    {
        std::vector<char> buffer(64 * 1024);
        std::vector<bool> answered(fds.size(), false);
        while (!stop_.load()) {
            for (std::size_t i = 0; i < fds.size(); ++i) {
                ssize_t n;
                while ((n = ::recv(fds[i], buffer.data(), buffer.size(), MSG_DONTWAIT)) > 0) {
                    received_.fetch_add(1);
                    if (!answered[i] && holds_close(buffer.data(), n)) {
                        answered[i] = send_all(fds[i], close_frame());
                    }
                }
            }
            std::this_thread::sleep_for(1ms);
        }
    }

    // The server's frames are JSON text, which never holds the byte that
    // starts a close frame; their lengths here stay far from it too.
    static bool holds_close(const char* data, ssize_t size)
    {
        return std::memchr(data, 0x88, static_cast<std::size_t>(size)) != nullptr;
    }

    // A masked close frame with status 1000, as RFC 6455 5.5.1 has it.
    static std::string close_frame()
    {
        const unsigned char mask[4] = {1, 2, 3, 4};
        const unsigned char code[2] = {0x03, 0xe8};
        std::string out = {static_cast<char>(0x88), static_cast<char>(0x82)};
        out.append(reinterpret_cast<const char*>(mask), 4);
        out.push_back(static_cast<char>(code[0] ^ mask[0]));
        out.push_back(static_cast<char>(code[1] ^ mask[1]));
        return out;
    }

    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> received_{0};
    std::thread thread_;
};

// Publishes to `channel` until destroyed.
class Publisher {
public:
    explicit Publisher(herald::Hub& hub)
        : thread_([this, &hub] {
              const std::string data = "{\"pad\":\"" + std::string(1500, 'x') + "\"}";
              while (!stop_.load()) {
                  std::error_code ignored;
                  hub.publish(channel, data, ignored);
                  published_.fetch_add(1);
                  // Enough to keep the lanes busy without an endless queue.
                  std::this_thread::sleep_for(200us);
              }
          })
    {
    }

    ~Publisher()
    {
        stop_.store(true);
        thread_.join();
    }

    std::size_t published() const { return published_.load(); }

private:
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> published_{0};
    std::thread thread_;
};

// The client sockets, closed last.
struct Clients {
    ~Clients()
    {
        for (int fd : fds) {
            ::close(fd);
        }
    }

    std::vector<int> fds;
};

void run_round(herald::test::WarningLog& warnings, bool hang_up)
{
    herald::HubOptions options;
    options.fanout_threads = 1; // one lane for all: its passes are the longest
    warnings.attach(options);
    herald::Hub hub(options);

    herald::WebSocketOptions ws;
    ws.port = 0;
    ws.threads = 2;
    auto server = std::make_unique<herald::WebSocketServer>(hub, ws);
    server->start();

    Clients clients;
    auto& fds = clients.fds;
    for (std::size_t i = 0; i < client_count; ++i) {
        const int fd = open_subscriber(server->port());
        REQUIRE(fd >= 0);
        fds.push_back(fd);
    }
    REQUIRE(wait_until([&] { return subscribers(hub) == client_count; }, 10s));

    Publisher publisher(hub);
    Readers readers(fds);
    REQUIRE(wait_until([&] { return readers.received() > client_count; }, 10s));

    // The lanes are writing to every connection while the server stops.
    // Clients that hang up (half-close: they still read) end their
    // connections at once, while the lanes' writes to them still succeed
    // and a lane may hold them for a write in flight; a close handshake
    // waits for such a write to finish first.
    if (hang_up) {
        for (int fd : fds) {
            ::shutdown(fd, SHUT_WR);
        }
    }
    server.reset();
    CHECK(publisher.published() > 0);
}

} // namespace

TEST_CASE("destroying the server while fan-out lanes write to it", "[websocket]")
{
    // The transport's warnings report a stop that could not wait.
    herald::test::WarningLog warnings("transport.ws");
    for (int round = 0; round < rounds; ++round) {
        run_round(warnings, round % 2 == 1);
    }

    const auto messages = warnings.messages();
    for (const auto& message : messages) {
        UNSCOPED_INFO(message);
    }
    CHECK(messages.empty());
}
