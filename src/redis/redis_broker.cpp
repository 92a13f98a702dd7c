// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/redis_broker.hpp>

#include <herald/error.hpp>

#include "codec.hpp"
#include "link.hpp"
#include "random.hpp"
#include "scripts.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

namespace herald {
namespace {

using redis::Link;

constexpr std::string_view component = "broker.redis";

constexpr std::size_t epoch_length = 8;

std::error_code unavailable()
{
    return make_error_code(errc::broker_unavailable);
}

std::string_view text(const redisReply* r)
{
    bool has_text = r != nullptr && (r->type == REDIS_REPLY_STRING ||
                                     r->type == REDIS_REPLY_STATUS ||
                                     r->type == REDIS_REPLY_ERROR);
    return has_text ? std::string_view(r->str, r->len) : std::string_view();
}

bool is_array(const redisReply* r, std::size_t n)
{
    return r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements == n;
}

bool is_noscript(const redisReply* r)
{
    return r != nullptr && r->type == REDIS_REPLY_ERROR && text(r).rfind("NOSCRIPT", 0) == 0;
}

// {offset, epoch, ...} as the publish and history scripts return them.
bool read_position(const redisReply* r, StreamPosition& out)
{
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
        r->element[0]->type != REDIS_REPLY_INTEGER ||
        r->element[1]->type != REDIS_REPLY_STRING || r->element[0]->integer < 0) {
        return false;
    }
    out.offset = static_cast<std::uint64_t>(r->element[0]->integer);
    out.epoch = std::string(text(r->element[1]));
    return true;
}

// The offset in a stream entry id "<offset>-0".
std::optional<std::uint64_t> id_offset(std::string_view id)
{
    std::uint64_t offset = 0;
    auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), offset);
    if (ec != std::errc() || end == id.data()) {
        return std::nullopt;
    }
    return offset;
}

// The value of field `name` in an entry's [field, value, ...], or null.
const redisReply* entry_field(const redisReply* fields, std::string_view name)
{
    if (fields == nullptr || fields->type != REDIS_REPLY_ARRAY) {
        return nullptr;
    }
    for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
        if (text(fields->element[i]) == name) {
            return fields->element[i + 1];
        }
    }
    return nullptr;
}

// One [id, ["d", body, "t", time]] entry of XRANGE.
PublicationPtr read_entry(const redisReply* entry)
{
    if (!is_array(entry, 2)) {
        return nullptr;
    }
    auto offset = id_offset(text(entry->element[0]));
    const redisReply* body = entry_field(entry->element[1], "d");
    Publication pub;
    if (!offset || body == nullptr || !redis::decode_publication(text(body), pub)) {
        return nullptr;
    }
    pub.offset = *offset;
    return std::make_shared<const Publication>(std::move(pub));
}

bool read_history(const redisReply* r, HistoryResult& out)
{
    if (!is_array(r, 3) || !read_position(r, out.top) ||
        r->element[2]->type != REDIS_REPLY_ARRAY) {
        return false;
    }
    const redisReply* entries = r->element[2];
    out.publications.reserve(entries->elements);
    for (std::size_t i = 0; i < entries->elements; ++i) {
        auto pub = read_entry(entries->element[i]);
        if (!pub) {
            return false;
        }
        out.publications.push_back(std::move(pub));
    }
    return true;
}

// Calls `read(field, value)` for each pair of HGETALL's [field, value, ...];
// false when the reply is no such list or `read` refuses a pair.
template <class Read>
bool read_pairs(const redisReply* r, Read read)
{
    if (r == nullptr || r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0) {
        return false;
    }
    for (std::size_t i = 0; i < r->elements; i += 2) {
        if (!read(text(r->element[i]), text(r->element[i + 1]))) {
            return false;
        }
    }
    return true;
}

bool read_presence(const redisReply* r, PresenceMap& out)
{
    return read_pairs(r, [&out](std::string_view client, std::string_view value) {
        ClientInfo info;
        if (!redis::decode_client_info(value, info)) {
            return false;
        }
        out.emplace(std::string(client), std::move(info));
        return true;
    });
}

bool read_nodes(const redisReply* r, std::vector<NodeInfo>& out)
{
    return read_pairs(r, [&out](std::string_view, std::string_view value) {
        NodeInfo node;
        if (!redis::decode_node_info(value, node)) {
            return false;
        }
        out.push_back(std::move(node));
        return true;
    });
}

PresenceStats count(const PresenceMap& presence)
{
    std::set<std::string_view> users;
    for (const auto& [client, info] : presence) {
        users.insert(info.user);
    }
    return {presence.size(), users.size()};
}

void validate(const RedisBrokerOptions& o)
{
    const char* what = nullptr;
    if (o.host.empty() || o.port == 0) {
        what = "herald::RedisBroker: host and port are required";
    } else if (!o.username.empty() && o.password.empty()) {
        what = "herald::RedisBroker: a username needs a password";
    } else if (o.prefix.empty()) {
        what = "herald::RedisBroker: prefix must not be empty";
    } else if (o.connect_timeout.count() <= 0 || o.command_timeout.count() <= 0 ||
               o.reconnect_min.count() <= 0 || o.reconnect_max < o.reconnect_min) {
        what = "herald::RedisBroker: timeouts must be positive, reconnect_max >= reconnect_min";
    } else if (o.presence_ttl.count() <= 0 || o.idempotency_window.count() <= 0 ||
               o.meta_ttl.count() <= 0 || o.node_info_interval.count() <= 0) {
        what = "herald::RedisBroker: presence_ttl, idempotency_window and meta_ttl must be "
               "positive";
    }
    if (what != nullptr) {
        detail::throw_error(make_error_code(errc::invalid_options), what);
    }
}

} // namespace

// Everything below runs on the broker's thread, except the constructor,
// run(), finish() and post().
class RedisBroker::Impl {
public:
    explicit Impl(RedisBrokerOptions options);

    void run();
    void finish();
    bool on_loop() const { return std::this_thread::get_id() == thread_.get_id(); }

    template <class Handler>
    void post(Handler&& handler)
    {
        asio::post(io_, std::forward<Handler>(handler));
    }

    void start(BrokerEventHandler& handler);
    void stop();
    void publish(const std::string& channel, std::string data, PublishOptions o,
                 PublishCallback done);
    void subscribe(const std::string& channel);
    void unsubscribe(const std::string& channel);
    void history(const std::string& channel, HistoryQuery query, HistoryCallback done);
    void add_presence(const std::string& channel, ClientInfo info);
    void remove_presence(const std::string& channel, const std::string& client_id);
    void presence(const std::string& channel, PresenceCallback done);
    void nodes(NodesCallback done);
    void publish_control(const ControlCommand& command, ControlCallback done);

    const RedisBrokerOptions options;

private:
    // This node's PUB/SUB subscription to one channel. SUBSCRIBE and
    // UNSUBSCRIBE of a channel never overlap: hiredis 0.14 would drop the
    // channel's callback if an UNSUBSCRIBE reply followed a newer SUBSCRIBE.
    struct Feed {
        enum class State { none, subscribing, subscribed, unsubscribing };

        bool wanted = false;
        State state = State::none;
        // History reads held until the subscription is confirmed, so that a
        // read never misses what is published before the feed starts.
        std::vector<std::function<void(std::error_code)>> waiting;
    };

    std::string key(std::string_view kind, std::string_view channel) const;
    std::string feed_prefix() const { return options.prefix + ":pub:"; }
    std::string control_channel() const { return options.prefix + ":control"; }
    std::vector<std::string> node_keys() const
    {
        return {options.prefix + ":nodes", options.prefix + ":nodes_exp"};
    }
    std::string meta_ttl(std::chrono::seconds history_ttl) const;

    void log(LogLevel level, std::string_view message) const;
    void log_down(const Link& link,
                  std::string_view name,
                  const std::string& why,
                  bool was_up,
                  unsigned attempt);
    std::error_code check(const redisReply* r, std::string_view what) const;

    // A reply handler that reads a `Result` with `read` and hands it to
    // `done`; a failed or unreadable reply becomes an error.
    template <class Result, class Reader>
    Link::ReplyHandler answer(std::string_view what,
                              Reader read,
                              std::function<void(std::error_code, Result)> done) const
    {
        return [this, what, read, done = std::move(done)](const redisReply* r) {
            Result result;
            std::error_code ec = check(r, what);
            if (!ec && !read(r, result)) {
                ec = make_error_code(errc::internal);
            }
            done(ec, ec ? Result{} : std::move(result));
        };
    }

    void load_scripts();
    void eval(const redis::Script& script,
              std::vector<std::string> keys,
              std::vector<std::string> args,
              Link::ReplyHandler handler);
    void read_stream(const std::string& channel, HistoryQuery query, HistoryCallback done);

    void reconcile(const std::string& channel);
    void feed_up();
    void feed_down(const std::string& why, bool was_up, unsigned attempt);
    void on_push(const redisReply* r);
    void on_control(std::string_view message);
    void deliver(const std::string& channel, std::string_view message);
    void confirmed(const std::string& channel, bool subscribed);

    void write_presence(const std::string& channel, const PresenceMap& entries);
    void refresh_presence();
    void announce();
    void repeat(asio::steady_timer& timer,
                std::chrono::milliseconds period,
                void (Impl::*tick)());

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;

    BrokerEventHandler* handler_ = nullptr;
    bool started_ = false;
    bool had_feed_ = false;
    Link commands_;
    Link feed_;
    std::unordered_map<std::string, Feed> feeds_;
    std::unordered_map<std::string, PresenceMap> local_presence_;
    asio::steady_timer refresh_;
    asio::steady_timer announce_;
};

RedisBroker::Impl::Impl(RedisBrokerOptions o)
    : options(std::move(o)),
      work_(asio::make_work_guard(io_)),
      commands_(io_, options,
                {[this] {
                     log(LogLevel::info, fmt::format("connected to redis {}:{}", options.host,
                                                     options.port));
                     load_scripts();
                     refresh_presence();
                     announce();
                 },
                 [this](const std::string& why, bool was_up, unsigned attempt) {
                     log_down(commands_, "command", why, was_up, attempt);
                 },
                 {}}),
      feed_(io_, options,
            {[this] { feed_up(); },
             [this](const std::string& why, bool was_up, unsigned attempt) {
                 feed_down(why, was_up, attempt);
             },
             [this](const redisReply* r) { on_push(r); }}),
      refresh_(io_),
      announce_(io_)
{
}

void RedisBroker::Impl::run()
{
    thread_ = std::thread([this] { io_.run(); });
}

// Lets the loop drain what is queued (callbacks that must still run) and
// joins it.
void RedisBroker::Impl::finish()
{
    post([this] { stop(); });
    work_.reset();
    if (on_loop()) {
        thread_.detach();
    } else if (thread_.joinable()) {
        thread_.join();
    }
}

std::string RedisBroker::Impl::key(std::string_view kind, std::string_view channel) const
{
    return fmt::format("{}:{}:{}", options.prefix, kind, channel);
}

// The meta hash must outlive the stream, or a stream would lose its epoch.
std::string RedisBroker::Impl::meta_ttl(std::chrono::seconds history_ttl) const
{
    return std::to_string(std::max(options.meta_ttl, history_ttl).count());
}

void RedisBroker::Impl::log(LogLevel level, std::string_view message) const
{
    if (handler_ != nullptr) {
        handler_->logger().log(level, component, message);
    }
}

void RedisBroker::Impl::log_down(const Link& link,
                                 std::string_view name,
                                 const std::string& why,
                                 bool was_up,
                                 unsigned attempt)
{
    if (!started_) {
        return;
    }
    // One record per outage, an error when the password is wrong (nothing
    // gets better by waiting); the retries that follow are debug records.
    auto first = link.refused() ? LogLevel::error : LogLevel::warn;
    auto level = was_up || attempt == 1 ? first : LogLevel::debug;
    log(level, fmt::format("{} connection to redis {}:{} {}: {}; reconnecting (attempt {})",
                           name, options.host, options.port, was_up ? "lost" : "failed", why,
                           attempt));
}

std::error_code RedisBroker::Impl::check(const redisReply* r, std::string_view what) const
{
    if (r == nullptr) {
        return unavailable();
    }
    if (r->type == REDIS_REPLY_ERROR) {
        log(LogLevel::error, fmt::format("redis refused {}: {}", what, text(r)));
        return make_error_code(errc::internal);
    }
    return {};
}

// Ahead of every command of a new connection. Were the first EVALSHAs to
// meet NOSCRIPT, their EVAL retries would run after EVALSHAs sent later,
// and pipelined publishes would take offsets out of call order.
void RedisBroker::Impl::load_scripts()
{
    for (const auto* script : {&redis::publish_script(), &redis::history_script(),
                               &redis::presence_add_script(), &redis::presence_get_script()}) {
        commands_.command({"SCRIPT", "LOAD", std::string(script->source)},
                          [this](const redisReply* r) { check(r, "a script"); });
    }
}

void RedisBroker::Impl::eval(const redis::Script& script,
                             std::vector<std::string> keys,
                             std::vector<std::string> args,
                             Link::ReplyHandler handler)
{
    auto command = std::make_shared<std::vector<std::string>>();
    command->reserve(3 + keys.size() + args.size());
    command->push_back("EVALSHA");
    command->push_back(script.sha1);
    command->push_back(std::to_string(keys.size()));
    std::move(keys.begin(), keys.end(), std::back_inserter(*command));
    std::move(args.begin(), args.end(), std::back_inserter(*command));

    // A Redis that flushed its scripts since the connection was made
    // (SCRIPT FLUSH) answers NOSCRIPT: send the script whole, which also
    // caches it again.
    commands_.command(*command, [this, &script, command, handler](const redisReply* r) {
        if (!is_noscript(r)) {
            handler(r);
            return;
        }
        (*command)[0] = "EVAL";
        (*command)[1] = std::string(script.source);
        commands_.command(std::move(*command), handler);
    });
}

void RedisBroker::Impl::start(BrokerEventHandler& handler)
{
    handler_ = &handler;
    if (started_) {
        return;
    }
    started_ = true;
    commands_.open();
    feed_.open();
    auto refresh = std::chrono::duration_cast<std::chrono::milliseconds>(options.presence_ttl) / 3;
    repeat(refresh_, refresh, &Impl::refresh_presence);
    repeat(announce_, options.node_info_interval, &Impl::announce);
}

void RedisBroker::Impl::stop()
{
    started_ = false;
    had_feed_ = false;
    refresh_.cancel();
    announce_.cancel();
    commands_.close();
    feed_.close();

    std::vector<std::function<void(std::error_code)>> waiting;
    for (auto& [name, feed] : feeds_) {
        std::move(feed.waiting.begin(), feed.waiting.end(), std::back_inserter(waiting));
    }
    feeds_.clear();
    local_presence_.clear();
    handler_ = nullptr;
    for (auto& resume : waiting) {
        resume(unavailable());
    }
}

void RedisBroker::Impl::publish(const std::string& channel,
                                std::string data,
                                PublishOptions o,
                                PublishCallback done)
{
    if (!started_) {
        done(unavailable(), {});
        return;
    }

    std::vector<std::string> keys{key("stream", channel), key("meta", channel)};
    if (!o.idempotency_key.empty()) {
        keys.push_back(key("idem", channel) + ':' + redis::sha1_hex(o.idempotency_key));
    }
    std::vector<std::string> args{redis::encode_publication(data, o.info, o.tags),
                                  std::to_string(o.history_size),
                                  std::to_string(o.history_ttl.count()),
                                  detail::random_string(epoch_length),
                                  key("pub", channel),
                                  meta_ttl(o.history_ttl),
                                  std::to_string(options.idempotency_window.count())};

    auto read = [](const redisReply* r, PublishResult& out) {
        return read_position(r, out.position);
    };
    eval(redis::publish_script(), std::move(keys), std::move(args),
         answer<PublishResult>("a publish", read, std::move(done)));
}

void RedisBroker::Impl::history(const std::string& channel,
                                HistoryQuery query,
                                HistoryCallback done)
{
    if (!started_) {
        done(unavailable(), {});
        return;
    }

    auto it = feeds_.find(channel);
    if (it == feeds_.end() || !it->second.wanted ||
        it->second.state == Feed::State::subscribed) {
        read_stream(channel, std::move(query), std::move(done));
        return;
    }
    if (!feed_.up() && !feed_.connecting()) {
        done(unavailable(), {});
        return;
    }
    it->second.waiting.push_back(
        [this, channel, query = std::move(query), done = std::move(done)](std::error_code ec) {
            if (ec) {
                done(ec, {});
            } else {
                read_stream(channel, query, done);
            }
        });
}

void RedisBroker::Impl::read_stream(const std::string& channel,
                                    HistoryQuery query,
                                    HistoryCallback done)
{
    // XRANGE takes ids, which are "<offset>-0"; a reverse read with `since`
    // returns what is older than it.
    std::string first = query.reverse ? "+" : "-";
    std::string last = query.reverse ? "-" : "+";
    std::ptrdiff_t limit = query.limit < 0 ? -1 : query.limit;
    if (query.since && !query.reverse) {
        first = std::to_string(query.since->offset + 1) + "-0";
    } else if (query.since && query.since->offset <= 1) {
        limit = 0;
    } else if (query.since) {
        first = std::to_string(query.since->offset - 1) + "-0";
    }

    eval(redis::history_script(), {key("stream", channel), key("meta", channel)},
         {detail::random_string(epoch_length), meta_ttl(query.history_ttl),
          query.reverse ? "r" : "f", first, last, std::to_string(limit),
          std::to_string(query.history_ttl.count())},
         answer<HistoryResult>("a history read", read_history, std::move(done)));
}

void RedisBroker::Impl::subscribe(const std::string& channel)
{
    if (!started_) {
        return;
    }
    feeds_[channel].wanted = true;
    reconcile(channel);
}

void RedisBroker::Impl::unsubscribe(const std::string& channel)
{
    auto it = feeds_.find(channel);
    if (it != feeds_.end()) {
        it->second.wanted = false;
        reconcile(channel);
    }
}

// Moves the Redis subscription of `channel` one step towards what the node
// wants; the confirmation of that step calls it again.
void RedisBroker::Impl::reconcile(const std::string& channel)
{
    auto it = feeds_.find(channel);
    if (it == feeds_.end()) {
        return;
    }
    Feed& feed = it->second;
    if (!feed.wanted && feed.state == Feed::State::none && feed.waiting.empty()) {
        feeds_.erase(it);
        return;
    }
    if (feed.wanted && feed.state == Feed::State::none &&
        feed_.subscription({"SUBSCRIBE", key("pub", channel)})) {
        feed.state = Feed::State::subscribing;
    } else if (!feed.wanted && feed.state == Feed::State::subscribed &&
               feed_.subscription({"UNSUBSCRIBE", key("pub", channel)})) {
        feed.state = Feed::State::unsubscribing;
    }
}

void RedisBroker::Impl::feed_up()
{
    log(LogLevel::info, fmt::format("feed connected to redis {}:{}", options.host, options.port));

    // The control channel is wanted for the node's whole life; a new feed
    // connection has no subscriptions, so each one subscribes again.
    if (!feed_.subscription({"SUBSCRIBE", control_channel()})) {
        log(LogLevel::error, "cannot subscribe to the control channel");
    }
    std::vector<std::string> names;
    for (const auto& [name, feed] : feeds_) {
        names.push_back(name);
    }
    for (const auto& name : names) {
        reconcile(name);
    }

    // The hub's reads that follow wait for the new subscriptions.
    if (had_feed_ && handler_ != nullptr) {
        handler_->on_feed_restored();
    }
    had_feed_ = true;
}

void RedisBroker::Impl::feed_down(const std::string& why, bool was_up, unsigned attempt)
{
    log_down(feed_, "feed", why, was_up, attempt);

    std::vector<std::function<void(std::error_code)>> waiting;
    for (auto it = feeds_.begin(); it != feeds_.end();) {
        Feed& feed = it->second;
        std::move(feed.waiting.begin(), feed.waiting.end(), std::back_inserter(waiting));
        feed.waiting.clear();
        feed.state = Feed::State::none;
        it = feed.wanted ? std::next(it) : feeds_.erase(it);
    }
    for (auto& resume : waiting) {
        resume(unavailable());
    }
}

void RedisBroker::Impl::on_push(const redisReply* r)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3) {
        return;
    }
    std::string_view kind = text(r->element[0]);
    std::string_view name = text(r->element[1]);
    if (name == control_channel()) {
        if (kind == "message") {
            on_control(text(r->element[2]));
        }
        return;
    }
    std::string prefix = feed_prefix();
    if (name.substr(0, prefix.size()) != prefix) {
        return;
    }

    std::string channel(name.substr(prefix.size()));
    if (kind == "message") {
        deliver(channel, text(r->element[2]));
    } else if (kind == "subscribe" || kind == "unsubscribe") {
        confirmed(channel, kind == "subscribe");
    }
}

void RedisBroker::Impl::deliver(const std::string& channel, std::string_view message)
{
    auto it = feeds_.find(channel);
    if (it == feeds_.end() || !it->second.wanted || handler_ == nullptr) {
        return;
    }

    redis::Envelope envelope;
    Publication pub;
    if (!redis::decode_envelope(message, envelope) ||
        !redis::decode_publication(envelope.body, pub)) {
        // The subscribers see the gap at the next publication and recover.
        log(LogLevel::warn, fmt::format("dropped a malformed message in channel {}", channel));
        return;
    }
    pub.offset = envelope.offset;
    auto shared = std::make_shared<const Publication>(std::move(pub));
    handler_->on_publication(channel, shared, {envelope.offset, std::move(envelope.epoch)});
}

void RedisBroker::Impl::on_control(std::string_view message)
{
    ControlCommand command;
    if (!redis::decode_control(message, command)) {
        log(LogLevel::warn, "dropped a malformed message in the control channel");
        return;
    }
    if (handler_ != nullptr) {
        handler_->on_control(command);
    }
}

void RedisBroker::Impl::publish_control(const ControlCommand& command, ControlCallback done)
{
    if (!started_) {
        done(unavailable());
        return;
    }
    commands_.command({"PUBLISH", control_channel(), redis::encode_control(command)},
                      [this, done = std::move(done)](const redisReply* r) {
                          done(check(r, "a control message"));
                      });
}

void RedisBroker::Impl::confirmed(const std::string& channel, bool subscribed)
{
    auto it = feeds_.find(channel);
    if (it == feeds_.end()) {
        return;
    }
    Feed& feed = it->second;
    feed.state = subscribed ? Feed::State::subscribed : Feed::State::none;

    // Held reads go once the subscription is in place, or once the node no
    // longer wants it; an unsubscribe confirmation before a resubscription
    // is neither.
    std::vector<std::function<void(std::error_code)>> waiting;
    if (subscribed || !feed.wanted) {
        waiting.swap(feed.waiting);
    }
    reconcile(channel);
    for (auto& resume : waiting) {
        resume({});
    }
}

void RedisBroker::Impl::add_presence(const std::string& channel, ClientInfo info)
{
    if (!started_) {
        return;
    }
    PresenceMap entry;
    entry.emplace(info.client, info);
    local_presence_[channel][info.client] = std::move(info);
    write_presence(channel, entry);
}

void RedisBroker::Impl::write_presence(const std::string& channel, const PresenceMap& entries)
{
    std::vector<std::string> args{std::to_string(options.presence_ttl.count())};
    for (const auto& [client, info] : entries) {
        args.push_back(client);
        args.push_back(redis::encode_client_info(info));
    }
    eval(redis::presence_add_script(),
         {key("presence", channel), key("presence_exp", channel)}, std::move(args),
         [this](const redisReply* r) { check(r, "a presence update"); });
}

void RedisBroker::Impl::remove_presence(const std::string& channel, const std::string& client_id)
{
    auto it = local_presence_.find(channel);
    if (!started_ || it == local_presence_.end()) {
        return;
    }
    it->second.erase(client_id);
    if (it->second.empty()) {
        local_presence_.erase(it);
    }

    auto ignore = [this](const redisReply* r) { check(r, "a presence removal"); };
    commands_.command({"HDEL", key("presence", channel), client_id}, ignore);
    commands_.command({"ZREM", key("presence_exp", channel), client_id}, ignore);
}

void RedisBroker::Impl::presence(const std::string& channel, PresenceCallback done)
{
    if (!started_) {
        done(unavailable(), {});
        return;
    }
    eval(redis::presence_get_script(),
         {key("presence", channel), key("presence_exp", channel)}, {},
         answer<PresenceMap>("a presence read", read_presence, std::move(done)));
}

// Entries expire in Redis unless their node writes them again: a node that
// dies takes its clients out of presence within presence_ttl.
void RedisBroker::Impl::refresh_presence()
{
    for (const auto& [channel, entries] : local_presence_) {
        write_presence(channel, entries);
    }
}

// Runs `tick` every `period` while the broker runs and Redis is reachable.
void RedisBroker::Impl::repeat(asio::steady_timer& timer,
                               std::chrono::milliseconds period,
                               void (Impl::*tick)())
{
    timer.expires_after(period);
    timer.async_wait([this, &timer, period, tick](const asio::error_code& ec) {
        if (ec || !started_) {
            return;
        }
        if (commands_.up()) {
            (this->*tick)();
        }
        repeat(timer, period, tick);
    });
}

// The node registry works as a channel's presence does: a hash of entries
// and a set of their expiry times, written again by each node now and then.
void RedisBroker::Impl::announce()
{
    if (handler_ == nullptr) {
        return;
    }
    NodeInfo self = handler_->node_info();
    if (self.uid.empty()) {
        return;
    }
    auto ttl = std::chrono::ceil<std::chrono::seconds>(3 * options.node_info_interval);
    eval(redis::presence_add_script(), node_keys(),
         {std::to_string(ttl.count()), self.uid, redis::encode_node_info(self)},
         [this](const redisReply* r) { check(r, "a node announcement"); });
}

void RedisBroker::Impl::nodes(NodesCallback done)
{
    if (!started_) {
        done(unavailable(), {});
        return;
    }
    eval(redis::presence_get_script(), node_keys(), {},
         answer<std::vector<NodeInfo>>("a node list read", read_nodes, std::move(done)));
}

// --- RedisBroker ----------------------------------------------------------------

RedisBroker::RedisBroker(RedisBrokerOptions options)
{
    validate(options);
    impl_ = std::make_shared<Impl>(std::move(options));
    impl_->run();
}

RedisBroker::~RedisBroker()
{
    impl_->finish();
}

void RedisBroker::start(BrokerEventHandler& handler)
{
    impl_->post([impl = impl_.get(), &handler] { impl->start(handler); });
}

void RedisBroker::stop()
{
    if (impl_->on_loop()) {
        impl_->stop();
        return;
    }
    std::promise<void> stopped;
    auto done = stopped.get_future();
    impl_->post([impl = impl_.get(), &stopped] {
        impl->stop();
        stopped.set_value();
    });
    done.wait();
}

void RedisBroker::publish(const std::string& channel,
                          std::string data,
                          PublishOptions options,
                          PublishCallback done)
{
    impl_->post([impl = impl_.get(), channel, data = std::move(data),
                 options = std::move(options), done = std::move(done)]() mutable {
        impl->publish(channel, std::move(data), std::move(options), std::move(done));
    });
}

void RedisBroker::subscribe(const std::string& channel)
{
    impl_->post([impl = impl_.get(), channel] { impl->subscribe(channel); });
}

void RedisBroker::unsubscribe(const std::string& channel)
{
    impl_->post([impl = impl_.get(), channel] { impl->unsubscribe(channel); });
}

void RedisBroker::history(const std::string& channel, HistoryQuery query, HistoryCallback done)
{
    impl_->post([impl = impl_.get(), channel, query = std::move(query),
                 done = std::move(done)]() mutable {
        impl->history(channel, std::move(query), std::move(done));
    });
}

void RedisBroker::add_presence(const std::string& channel, ClientInfo info)
{
    impl_->post([impl = impl_.get(), channel, info = std::move(info)]() mutable {
        impl->add_presence(channel, std::move(info));
    });
}

void RedisBroker::remove_presence(const std::string& channel, const std::string& client_id)
{
    impl_->post(
        [impl = impl_.get(), channel, client_id] { impl->remove_presence(channel, client_id); });
}

void RedisBroker::presence(const std::string& channel, PresenceCallback done)
{
    impl_->post([impl = impl_.get(), channel, done = std::move(done)]() mutable {
        impl->presence(channel, std::move(done));
    });
}

void RedisBroker::presence_stats(const std::string& channel, StatsCallback done)
{
    impl_->post([impl = impl_.get(), channel, done = std::move(done)]() mutable {
        impl->presence(channel, [done = std::move(done)](std::error_code ec, PresenceMap p) {
            done(ec, ec ? PresenceStats{} : count(p));
        });
    });
}

void RedisBroker::nodes(NodesCallback done)
{
    impl_->post([impl = impl_.get(), done = std::move(done)]() mutable {
        impl->nodes(std::move(done));
    });
}

void RedisBroker::publish_control(ControlCommand command, ControlCallback done)
{
    impl_->post([impl = impl_.get(), command = std::move(command),
                 done = std::move(done)]() mutable {
        impl->publish_control(command, std::move(done));
    });
}

const RedisBrokerOptions& RedisBroker::options() const noexcept
{
    return impl_->options;
}

} // namespace herald
