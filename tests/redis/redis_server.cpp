// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "redis_server.hpp"

#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

namespace herald::test {
namespace {

std::uint16_t free_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Built before the fork: the child of a threaded process must not allocate.
std::vector<std::string> server_args(std::uint16_t port, const std::string& password)
{
    std::vector<std::string> args{"redis-server", "--port", std::to_string(port), "--bind",
                                  "127.0.0.1", "--save", "", "--appendonly", "no",
                                  "--loglevel", "warning"};
    if (!password.empty()) {
        args.push_back("--requirepass");
        args.push_back(password);
    }
    return args;
}

[[noreturn]] void exec_server(char* const* argv)
{
    // The server dies with the test, even when the test crashes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::execv(HERALD_REDIS_SERVER_PATH, argv);
    ::_exit(127);
}

struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};

std::string reply_text(const redisReply* r)
{
    switch (r->type) {
    case REDIS_REPLY_INTEGER: return std::to_string(r->integer);
    case REDIS_REPLY_NIL: return "";
    case REDIS_REPLY_ARRAY: {
        std::string out;
        for (std::size_t i = 0; i < r->elements; ++i) {
            out += (i == 0 ? "" : " ") + reply_text(r->element[i]);
        }
        return out;
    }
    default: return std::string(r->str, r->len);
    }
}

} // namespace

RedisServer::RedisServer(std::string password)
    : port_(free_port()), password_(std::move(password))
{
    start();
}

RedisServer::~RedisServer()
{
    stop();
}

void RedisServer::start()
{
    auto args = server_args(port_, password_);
    std::vector<char*> argv;
    for (auto& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        exec_server(argv.data());
    }

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (command({"PING"}) == "PONG") {
                return;
            }
        } catch (const std::runtime_error&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("redis-server did not start");
}

void RedisServer::stop()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::kill(pid_, SIGCONT); // a paused server handles SIGTERM only then
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

void RedisServer::pause()
{
    ::kill(pid_, SIGSTOP);
}

void RedisServer::resume()
{
    ::kill(pid_, SIGCONT);
}

std::string RedisServer::command(const std::vector<std::string>& args) const
{
    timeval timeout{2, 0};
    std::unique_ptr<redisContext, ContextFree> c(
        redisConnectWithTimeout("127.0.0.1", port_, timeout));
    if (!c || c->err != 0) {
        throw std::runtime_error("cannot connect to redis-server");
    }
    if (!password_.empty()) {
        std::unique_ptr<redisReply, ReplyFree> auth(static_cast<redisReply*>(
            redisCommand(c.get(), "AUTH %b", password_.data(), password_.size())));
        if (!auth || auth->type == REDIS_REPLY_ERROR) {
            throw std::runtime_error("redis-server refused the test's AUTH");
        }
    }

    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    std::unique_ptr<redisReply, ReplyFree> reply(static_cast<redisReply*>(redisCommandArgv(
        c.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
    if (!reply) {
        throw std::runtime_error("redis-server did not answer");
    }
    return reply_text(reply.get());
}

} // namespace herald::test
