// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/session.hpp>

#include "hub_core.hpp"
#include "jwt.hpp"
#include "protocol.hpp"

#include <herald/version.hpp>

#include <fmt/format.h>

#include <random>

namespace herald {

using detail::Command;
using detail::Method;
using detail::Subscription;

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

// The first ping goes out at a random moment in [interval/2, interval), so a
// mass reconnect does not turn into synchronised pings.
std::chrono::steady_clock::duration first_ping_delay(std::chrono::seconds interval)
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    std::uniform_int_distribution<long long> pick(ms / 2, ms > 1 ? ms - 1 : ms);
    return std::chrono::milliseconds(pick(engine));
}

bool is_recovered(const HistoryResult& r, const StreamPosition& since, std::size_t max)
{
    if (since.epoch != r.top.epoch || since.offset > r.top.offset) {
        return false;
    }
    const auto& pubs = r.publications;
    if (pubs.empty()) {
        return since.offset == r.top.offset;
    }
    return pubs.size() <= max && pubs.front()->offset == since.offset + 1 &&
           pubs.back()->offset == r.top.offset;
}

FramePtr make_frame(std::string text)
{
    return std::make_shared<const Frame>(std::move(text));
}

} // namespace

Session::Session(std::shared_ptr<detail::HubCore> core,
                 std::shared_ptr<Connection> connection,
                 std::string id)
    : core_(std::move(core)),
      connection_(std::move(connection)),
      id_(std::move(id)),
      created_(Clock::now())
{
    info_.client = id_;
}

Session::~Session() = default;

std::string Session::user() const
{
    Lock lock(mutex_);
    return info_.user;
}

std::vector<std::string> Session::channels() const
{
    Lock lock(mutex_);
    std::vector<std::string> out;
    out.reserve(subs_.size());
    for (const auto& entry : subs_) {
        out.push_back(entry.first);
    }
    return out;
}

void Session::receive(std::string_view message)
{
    if (state_.load() == State::closed) {
        return;
    }

    std::vector<Command> commands;
    std::string error;
    if (!detail::decode_commands(message, commands, error)) {
        core_->logger().log(LogLevel::debug, "session",
                            fmt::format("client {}: {}", id_, error));
        disconnect(disconnect::bad_request);
        return;
    }

    // Commands of one message run in order; a fatal one stops the rest.
    for (const auto& cmd : commands) {
        if (!handle(cmd)) {
            return;
        }
    }
}

bool Session::handle(const Command& cmd)
{
    State state = state_.load();
    if (state == State::closed) {
        return false;
    }
    if (cmd.method == Method::connect) {
        if (state != State::connecting) {
            disconnect(disconnect::bad_request);
            return false;
        }
        on_connect(cmd);
        return state_.load() != State::closed;
    }
    if (state != State::connected) {
        disconnect(disconnect::bad_request);
        return false;
    }

    switch (cmd.method) {
    case Method::pong: {
        Lock lock(mutex_);
        if (!awaiting_pong_) {
            disconnect(disconnect::bad_request);
            return false;
        }
        awaiting_pong_ = false;
        schedule_check();
        return true;
    }
    case Method::subscribe: on_subscribe(cmd); break;
    case Method::unsubscribe: on_unsubscribe(cmd); break;
    case Method::publish: on_publish(cmd); break;
    case Method::history: on_history(cmd); break;
    case Method::presence: on_presence(cmd); break;
    case Method::presence_stats: on_presence_stats(cmd); break;
    case Method::send:
        // No application message handler is installed.
        disconnect(disconnect::not_available);
        return false;
    case Method::ping:
        disconnect(disconnect::bad_request);
        return false;
    default:
        // rpc and refresh would need a host handler, which herald does not
        // offer; clients only send refresh when a connect result says the
        // connection expires, and herald never says so.
        reply_error(cmd.id, make_error_code(errc::not_available));
        break;
    }
    return state_.load() != State::closed;
}

void Session::on_connect(const Command& cmd)
{
    const HubOptions& options = core_->options();
    ClientInfo info;
    info.client = id_;

    if (!options.token_hmac_secret.empty()) {
        if (cmd.token.empty()) {
            disconnect(disconnect::bad_request);
            return;
        }
        auto token = detail::verify_connection_token(cmd.token, options.token_hmac_secret,
                                                     std::chrono::system_clock::now());
        if (token.status == detail::TokenStatus::expired) {
            reply_error(cmd.id, make_error_code(errc::token_expired));
            return;
        }
        if (token.status != detail::TokenStatus::ok) {
            core_->logger().log(LogLevel::info, "session",
                                fmt::format("client {}: invalid token: {}", id_, token.error));
            disconnect(disconnect::invalid_token);
            return;
        }
        info.user = std::move(token.sub);
        info.conn_info = std::move(token.info);
    }

    {
        Lock lock(mutex_);
        info_ = std::move(info);
        next_ping_ = Clock::now() + first_ping_delay(options.ping_interval);
        schedule_check();
        state_.store(State::connected);
    }
    auto ping = static_cast<std::uint32_t>(options.ping_interval.count());
    send_text(detail::encode_connect(cmd.id, id_, version_string, ping));
}

void Session::on_subscribe(const Command& cmd)
{
    std::error_code ec;
    const ChannelOptions* options = core_->resolve(cmd.channel, ec);
    if (!options) {
        reply_error(cmd.id, ec);
        return;
    }

    auto sub = std::make_shared<Subscription>();
    sub->session = weak_from_this();
    sub->channel = cmd.channel;
    sub->options = *options;

    ClientInfo presence;
    {
        Lock lock(mutex_);
        if (info_.user.empty() && !options->allow_anonymous) {
            ec = make_error_code(errc::permission_denied);
        } else if (subs_.count(cmd.channel) != 0) {
            ec = make_error_code(errc::already_subscribed);
        } else if (subs_.size() >= core_->options().client_channel_limit) {
            ec = make_error_code(errc::limit_exceeded);
        } else {
            subs_.emplace(cmd.channel, sub);
            presence = info_;
        }
    }
    if (ec) {
        reply_error(cmd.id, ec);
        return;
    }

    // Join the fan-out before reading the stream: what is published from
    // now on is buffered in `sub` and merged after the read, so nothing
    // falls between the read and the live stream.
    core_->add_subscriber(sub);
    if (options->presence) {
        core_->broker().add_presence(cmd.channel, std::move(presence));
    }

    bool recover = cmd.recover && options->recovery;
    HistoryQuery query;
    query.history_size = options->history_size;
    query.history_ttl = options->history_ttl;
    if (recover) {
        query.since = cmd.since;
        query.limit = static_cast<std::ptrdiff_t>(core_->options().recovery_max_publications) + 1;
    }

    auto self = shared_from_this();
    core_->broker().history(cmd.channel, std::move(query),
                            [self, sub, id = cmd.id, recover, since = cmd.since](
                                std::error_code ec, HistoryResult history) {
                                self->finish_subscribe(sub, id, recover, since, ec,
                                                       std::move(history));
                            });
}

void Session::finish_subscribe(const std::shared_ptr<Subscription>& sub,
                               std::uint32_t command_id,
                               bool recover,
                               const StreamPosition& since,
                               std::error_code ec,
                               HistoryResult history)
{
    Lock lock(mutex_);
    if (sub->removed || state_.load() == State::closed) {
        return;
    }
    if (ec) {
        drop_subscription(*sub, false);
        reply_error(command_id, ec);
        return;
    }

    detail::SubscribeReply reply;
    bool positioned = sub->options.recovery;
    reply.recoverable = positioned;
    reply.positioned = positioned;
    reply.was_recovering = recover;
    sub->position = history.top;
    if (recover && is_recovered(history, since, core_->options().recovery_max_publications)) {
        reply.recovered = true;
        reply.publications = std::move(history.publications);
        reply.position = {since.offset, history.top.epoch};
    } else if (positioned) {
        reply.position = history.top;
    }
    send_text(detail::encode_subscribe(command_id, reply));

    // Publications that arrived during the read follow the reply, minus
    // those the reply already covers.
    auto pending = std::move(sub->pending);
    sub->pending.clear();
    sub->live = true;
    for (const auto& p : pending) {
        deliver(*sub, p.frame, p.publication, p.position);
        if (sub->removed) {
            break;
        }
    }
}

void Session::deliver(Subscription& sub,
                      const FramePtr& frame,
                      const PublicationPtr& pub,
                      const StreamPosition& position)
{
    Lock lock(mutex_);
    if (sub.removed || state_.load() == State::closed) {
        return;
    }
    if (!sub.live) {
        if (sub.pending.size() >= detail::max_pending_publications) {
            drop_subscription(sub, true);
            return;
        }
        sub.pending.push_back({frame, pub, position});
        return;
    }

    bool same_epoch = position.epoch == sub.position.epoch;
    if (same_epoch && pub->offset <= sub.position.offset) {
        // Already covered by the subscribe reply.
        return;
    }
    if (sub.options.recovery && (!same_epoch || pub->offset != sub.position.offset + 1)) {
        // A gap: the client must resubscribe and recover from history.
        drop_subscription(sub, true);
        return;
    }
    sub.position = {pub->offset, position.epoch};
    send(frame);
}

void Session::drop_subscription(Subscription& sub, bool tell_client)
{
    Lock lock(mutex_);
    if (sub.removed) {
        return;
    }
    sub.removed = true;
    sub.pending.clear();

    auto it = subs_.find(sub.channel);
    std::shared_ptr<Subscription> keep;
    if (it != subs_.end() && it->second.get() == &sub) {
        keep = it->second;
        subs_.erase(it);
    }
    core_->remove_subscriber(sub);
    if (sub.options.presence) {
        core_->broker().remove_presence(sub.channel, id_);
    }
    if (tell_client) {
        send_text(detail::encode_unsubscribe_push(sub.channel, 2500, "insufficient state"));
    }
}

void Session::resync(Subscription& sub, const StreamPosition& top)
{
    Lock lock(mutex_);
    // A subscription still being set up checks its own continuity when it
    // goes live; one without recovery promised nothing.
    if (sub.removed || !sub.live || !sub.options.recovery) {
        return;
    }
    if (sub.position != top) {
        drop_subscription(sub, true);
    }
}

void Session::on_unsubscribe(const Command& cmd)
{
    if (cmd.channel.empty()) {
        reply_error(cmd.id, make_error_code(errc::bad_request));
        return;
    }
    {
        Lock lock(mutex_);
        auto it = subs_.find(cmd.channel);
        if (it != subs_.end()) {
            auto sub = it->second;
            drop_subscription(*sub, false);
        }
    }
    send_text(detail::encode_empty_result(cmd.id, "unsubscribe"));
}

void Session::on_publish(const Command& cmd)
{
    std::error_code ec;
    const ChannelOptions* options = core_->resolve(cmd.channel, ec);
    if (options && !options->allow_publish) {
        ec = make_error_code(errc::permission_denied);
    }
    if (ec) {
        reply_error(cmd.id, ec);
        return;
    }

    PublishRequest request;
    request.channel = cmd.channel;
    request.data = cmd.data;
    std::weak_ptr<Session> weak = weak_from_this();
    core_->publish(std::move(request), [&] {
        Lock lock(mutex_);
        return info_;
    }(), [weak, id = cmd.id](std::error_code ec, PublishResult) {
        if (auto self = weak.lock()) {
            if (ec) {
                self->reply_error(id, ec);
            } else {
                self->send_text(detail::encode_empty_result(id, "publish"));
            }
        }
    });
}

void Session::on_history(const Command& cmd)
{
    std::error_code ec;
    const ChannelOptions* options = core_->resolve(cmd.channel, ec);
    if (options && !options->allow_history) {
        ec = make_error_code(errc::permission_denied);
    }
    if (ec) {
        reply_error(cmd.id, ec);
        return;
    }

    HistoryQuery query;
    query.limit = static_cast<std::ptrdiff_t>(cmd.limit);
    query.reverse = cmd.reverse;
    if (cmd.has_since) {
        query.since = cmd.since;
    }
    std::weak_ptr<Session> weak = weak_from_this();
    core_->history(cmd.channel, std::move(query),
                   [weak, id = cmd.id](std::error_code ec, HistoryResult result) {
                       if (auto self = weak.lock()) {
                           if (ec) {
                               self->reply_error(id, ec);
                           } else {
                               self->send_text(detail::encode_history(id, result));
                           }
                       }
                   });
}

void Session::on_presence(const Command& cmd)
{
    {
        Lock lock(mutex_);
        if (subs_.count(cmd.channel) == 0) {
            reply_error(cmd.id, make_error_code(errc::permission_denied));
            return;
        }
    }
    std::weak_ptr<Session> weak = weak_from_this();
    core_->presence(cmd.channel, [weak, id = cmd.id](std::error_code ec, PresenceMap result) {
        if (auto self = weak.lock()) {
            if (ec) {
                self->reply_error(id, ec);
            } else {
                self->send_text(detail::encode_presence(id, result));
            }
        }
    });
}

void Session::on_presence_stats(const Command& cmd)
{
    {
        Lock lock(mutex_);
        if (subs_.count(cmd.channel) == 0) {
            reply_error(cmd.id, make_error_code(errc::permission_denied));
            return;
        }
    }
    std::weak_ptr<Session> weak = weak_from_this();
    core_->presence_stats(cmd.channel,
                          [weak, id = cmd.id](std::error_code ec, PresenceStats stats) {
                              if (auto self = weak.lock()) {
                                  if (ec) {
                                      self->reply_error(id, ec);
                                  } else {
                                      self->send_text(detail::encode_presence_stats(id, stats));
                                  }
                              }
                          });
}

void Session::send(const FramePtr& frame)
{
    if (state_.load() == State::closed) {
        return;
    }

    // A client that does not keep up is let go; it recovers from history
    // when it reconnects, and memory stays bounded.
    const std::size_t limit = core_->options().client_queue_max_bytes;
    if (connection_->send(frame, limit) == SendStatus::full) {
        core_->logger().log(LogLevel::info, "session",
                            fmt::format("client {}: more than {} bytes queued, "
                                        "disconnecting as slow",
                                        id_, limit));
        disconnect(disconnect::slow);
    }
}

void Session::send_text(std::string text)
{
    send(make_frame(std::move(text)));
}

void Session::reply_error(std::uint32_t command_id, std::error_code ec)
{
    send_text(detail::encode_error(command_id, protocol_code(ec), is_temporary(ec)));
}

void Session::disconnect(Disconnect reason)
{
    if (state_.exchange(State::closed) == State::closed) {
        return;
    }
    connection_->close(reason);
    leave_all();
    core_->remove_session(id_);
}

void Session::closed()
{
    if (state_.exchange(State::closed) == State::closed) {
        return;
    }
    leave_all();
    core_->remove_session(id_);
}

void Session::leave_all()
{
    Lock lock(mutex_);
    std::vector<std::shared_ptr<Subscription>> subs;
    for (const auto& entry : subs_) {
        subs.push_back(entry.second);
    }
    for (const auto& sub : subs) {
        drop_subscription(*sub, false);
    }
}

void Session::tick(Clock::time_point now)
{
    const HubOptions& options = core_->options();
    State state = state_.load();
    if (state == State::connecting && now - created_ >= options.stale_timeout) {
        disconnect(disconnect::stale);
        return;
    }
    if (state != State::connected || options.ping_interval.count() <= 0) {
        return;
    }
    if (now.time_since_epoch().count() < next_check_.load(std::memory_order_relaxed)) {
        return;
    }

    Lock lock(mutex_);
    if (awaiting_pong_ && now >= pong_deadline_) {
        disconnect(disconnect::no_pong);
        return;
    }
    if (!awaiting_pong_ && now >= next_ping_) {
        awaiting_pong_ = true;
        pong_deadline_ = now + options.pong_timeout;
        next_ping_ = now + options.ping_interval;
        schedule_check();
        send(core_->ping_frame());
    }
}

void Session::schedule_check()
{
    const Clock::time_point next = awaiting_pong_ ? pong_deadline_ : next_ping_;
    next_check_.store(next.time_since_epoch().count(), std::memory_order_relaxed);
}

} // namespace herald
