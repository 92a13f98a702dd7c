// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "link.hpp"

#include "asio_adapter.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <exception>
#include <memory>

namespace herald::redis {
namespace {

Link* owner(const redisAsyncContext* ac)
{
    return static_cast<Link*>(ac->data);
}

std::string error_text(const redisAsyncContext* ac, const char* fallback)
{
    return ac->errstr != nullptr && ac->errstr[0] != '\0' ? std::string(ac->errstr) : fallback;
}

// hiredis's binary-safe form of a command.
struct Argv {
    explicit Argv(const std::vector<std::string>& args)
    {
        pointers.reserve(args.size());
        lengths.reserve(args.size());
        for (const auto& arg : args) {
            pointers.push_back(arg.data());
            lengths.push_back(arg.size());
        }
    }

    int count() const { return static_cast<int>(pointers.size()); }

    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
};

} // namespace

Link::Link(asio::io_context& io, const RedisBrokerOptions& options, Events events)
    : io_(io),
      options_(options),
      events_(std::move(events)),
      delay_(options.reconnect_min),
      resolver_(io),
      retry_(io),
      deadline_(io),
      watchdog_(io)
{
}

Link::~Link()
{
    close();
}

void Link::open()
{
    if (open_) {
        return;
    }
    open_ = true;
    failures_ = 0;
    delay_ = options_.reconnect_min;
    attempt();
}

void Link::close()
{
    open_ = false;
    retry_.cancel();
    ++resolution_;
    resolving_ = false;
    resolver_.cancel();
    addresses_.clear();
    abandon();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [args, handler] : waiting) {
        handler(nullptr);
    }
}

void Link::attempt()
{
    if (!open_ || ac_ != nullptr || resolving_) {
        return;
    }
    if (addresses_.empty()) {
        resolve();
        return;
    }

    std::string address = std::move(addresses_.front());
    addresses_.pop_front();
    connect_to(address);
}

// Each address of the host is tried once, in the resolver's order, before
// the name is resolved again: "localhost" may give ::1 first to a Redis
// that listens on 127.0.0.1 only.
void Link::resolve()
{
    asio::error_code literal_error;
    auto literal = asio::ip::make_address(options_.host, literal_error);
    if (!literal_error) {
        addresses_.push_back(literal.to_string());
        attempt();
        return;
    }

    resolving_ = true;
    unsigned resolution = ++resolution_;
    resolver_.async_resolve(
        options_.host, std::to_string(options_.port),
        [this, resolution](const asio::error_code& ec,
                           const asio::ip::tcp::resolver::results_type& results) {
            if (resolution != resolution_) {
                return;
            }
            resolving_ = false;
            for (const auto& entry : results) {
                addresses_.push_back(entry.endpoint().address().to_string());
            }
            if (ec || addresses_.empty()) {
                std::string why = ec ? ec.message() : "no address";
                failed("cannot resolve " + options_.host + ": " + why, false);
                return;
            }
            attempt();
        });
}

void Link::connect_to(const std::string& address)
{
    refused_ = false;
    redisAsyncContext* ac = redisAsyncConnect(address.c_str(), options_.port);
    if (ac == nullptr || ac->err != 0) {
        std::string why = ac != nullptr ? error_text(ac, "cannot connect") : "out of memory";
        if (ac != nullptr) {
            redisAsyncFree(ac);
        }
        failed(why, false);
        return;
    }

    try {
        attach(ac, io_);
    } catch (const std::exception& e) {
        redisAsyncFree(ac);
        failed(e.what(), false);
        return;
    }
    ac->data = this;
    ac_ = ac;
    redisAsyncSetDisconnectCallback(ac, &Link::on_disconnect);
    redisAsyncSetConnectCallback(ac, &Link::on_connect);

    // hiredis 0.14 has no connect timeout of its own.
    deadline_.expires_after(options_.connect_timeout);
    deadline_.async_wait([this, ac](const asio::error_code& ec) {
        if (!ec && ac_ == ac && !up_) {
            abandon();
            failed("connect timed out", false);
        }
    });
}

void Link::on_connect(const redisAsyncContext* ac, int status)
{
    Link* link = owner(ac);
    if (link->ac_ != ac) {
        return;
    }
    if (status != REDIS_OK) {
        // hiredis frees the context when this returns.
        link->ac_ = nullptr;
        link->deadline_.cancel();
        link->failed(error_text(ac, "cannot connect"), false);
        return;
    }
    link->connected();
}

void Link::on_disconnect(const redisAsyncContext* ac, int status)
{
    Link* link = owner(ac);
    if (link->ac_ != ac) {
        return;
    }
    link->ac_ = nullptr;
    bool was_up = link->up_;
    link->up_ = false;
    link->failed(status == REDIS_OK ? "connection closed" : error_text(ac, "connection lost"),
                 was_up);
}

void Link::connected()
{
    // The next connection resolves the name again, for a Redis that moved.
    addresses_.clear();
    // A peer that vanished without closing the socket (a machine gone) is
    // otherwise noticed only when a write fails; the feed writes nothing.
    redisEnableKeepAlive(&ac_->c);
    if (options_.password.empty()) {
        ready();
    } else {
        authenticate();
    }
}

// AUTH goes before any other command. The connection counts as up, and the
// commands waiting for it go, once Redis accepted it; the connect deadline
// runs until then.
void Link::authenticate()
{
    std::vector<std::string> args{"AUTH"};
    if (!options_.username.empty()) {
        args.push_back(options_.username);
    }
    args.push_back(options_.password);

    redisAsyncContext* ac = ac_;
    send(args, [this, ac](const redisReply* r) {
        // Null: the connection is going, and on_disconnect says so.
        if (r == nullptr || ac_ != ac) {
            return;
        }
        if (r->type != REDIS_REPLY_ERROR) {
            ready();
            return;
        }
        refused_ = true;
        std::string why = "AUTH refused: " + std::string(r->str, r->len);
        abandon();
        failed(why, false);
    });
}

void Link::ready()
{
    deadline_.cancel();
    up_ = true;
    in_flight_ = 0;
    arm_watchdog();
    failures_ = 0;
    delay_ = options_.reconnect_min;
    if (events_.up) {
        events_.up();
    }

    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [args, handler] : waiting) {
        send(args, std::move(handler));
    }
}

void Link::failed(const std::string& why, bool was_up)
{
    if (!was_up && open_ && !addresses_.empty()) {
        // The host has another address to try: not a failure yet, and the
        // commands waiting for the connection go on waiting.
        retry_.expires_after(std::chrono::milliseconds(0));
        retry_.async_wait([this](const asio::error_code& ec) {
            if (!ec) {
                attempt();
            }
        });
        return;
    }

    up_ = false;
    in_flight_ = 0;
    watchdog_.cancel();
    ++failures_;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [args, handler] : waiting) {
        handler(nullptr);
    }
    if (events_.down) {
        events_.down(why, was_up, failures_);
    }
    if (!open_) {
        return;
    }

    // A connection that was up is retried soon; repeated failures back off.
    auto wait = was_up ? options_.reconnect_min : delay_;
    delay_ = std::min(delay_ * 2, options_.reconnect_max);
    retry_.expires_after(wait);
    retry_.async_wait([this](const asio::error_code& ec) {
        if (!ec) {
            attempt();
        }
    });
}

// Frees the context without reporting: the caller decides what follows.
void Link::abandon()
{
    deadline_.cancel();
    watchdog_.cancel();
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    up_ = false;
    if (ac != nullptr) {
        redisAsyncFree(ac);
    }
}

void Link::command(std::vector<std::string> args, ReplyHandler handler)
{
    if (up_) {
        send(args, std::move(handler));
    } else if (under_way()) {
        waiting_.emplace_back(std::move(args), std::move(handler));
    } else {
        handler(nullptr);
    }
}

void Link::send(const std::vector<std::string>& args, ReplyHandler handler)
{
    Argv argv(args);
    auto held = std::make_unique<ReplyHandler>(std::move(handler));
    int rc = ac_ == nullptr ? REDIS_ERR
                            : redisAsyncCommandArgv(ac_, &Link::on_reply, held.get(),
                                                    argv.count(), argv.pointers.data(),
                                                    argv.lengths.data());
    if (rc != REDIS_OK) {
        (*held)(nullptr);
        return;
    }
    held.release();
    if (in_flight_++ == 0) {
        progress_ = std::chrono::steady_clock::now();
    }
}

// A Redis that accepts connections but stopped answering (a paused
// process, a full disk under a blocking save) keeps the socket open: only
// the missing replies show it.
void Link::arm_watchdog()
{
    watchdog_.expires_after(std::max(options_.command_timeout / 4,
                                     std::chrono::milliseconds(10)));
    watchdog_.async_wait([this](const asio::error_code& ec) {
        if (ec || !up_) {
            return;
        }
        auto waited = std::chrono::steady_clock::now() - progress_;
        if (in_flight_ > 0 && waited > options_.command_timeout) {
            abandon();
            failed("no reply within " + std::to_string(options_.command_timeout.count()) +
                       " ms",
                   true);
            return;
        }
        arm_watchdog();
    });
}

bool Link::subscription(const std::vector<std::string>& args)
{
    if (!up_) {
        return false;
    }

    // hiredis keeps this callback per channel and calls it for every reply
    // and message of the channel, so its data is the link itself.
    Argv argv(args);
    return redisAsyncCommandArgv(ac_, &Link::on_push, this, argv.count(),
                                 argv.pointers.data(), argv.lengths.data()) == REDIS_OK;
}

void Link::on_reply(redisAsyncContext* ac, void* reply, void* privdata)
{
    std::unique_ptr<ReplyHandler> handler(static_cast<ReplyHandler*>(privdata));
    Link* link = owner(ac);
    if (link->ac_ == ac && link->in_flight_ > 0) {
        --link->in_flight_;
        link->progress_ = std::chrono::steady_clock::now();
    }
    (*handler)(static_cast<const redisReply*>(reply));
}

void Link::on_push(redisAsyncContext* ac, void* reply, void*)
{
    Link* link = owner(ac);
    // Null when the context is freed: on_disconnect reports that.
    if (reply != nullptr && link->ac_ == ac && link->events_.push) {
        link->events_.push(static_cast<const redisReply*>(reply));
    }
}

} // namespace herald::redis
