// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "hub_core.hpp"

#include "json.hpp"
#include "protocol.hpp"
#include "random.hpp"
#include "wait.hpp"

#include <herald/memory_broker.hpp>
#include <herald/version.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <set>
#include <thread>

namespace herald {
namespace detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto tick_period = std::chrono::milliseconds(250);

std::string host_name()
{
    char buf[256] = {};
    if (::gethostname(buf, sizeof(buf) - 1) != 0) {
        return "herald";
    }
    return buf;
}

bool history_enabled(const ChannelOptions& o)
{
    return o.history_size > 0 && o.history_ttl.count() > 0;
}

PublishOptions publish_options(const ChannelOptions& o, PublishRequest& request)
{
    PublishOptions out;
    out.history_size = o.history_size;
    out.history_ttl = o.history_ttl;
    out.tags = std::move(request.tags);
    out.idempotency_key = std::move(request.idempotency_key);
    return out;
}

// A `since` the stream no longer covers cannot be answered without a gap.
bool covers(const HistoryResult& r, const StreamPosition& since)
{
    if (since.epoch != r.top.epoch || since.offset > r.top.offset) {
        return false;
    }
    if (since.offset == r.top.offset || r.publications.empty()) {
        return true;
    }
    return r.publications.front()->offset == since.offset + 1 ||
           r.publications.front()->offset < since.offset;
}

unsigned lane_count(const HubOptions& o)
{
    if (o.fanout_threads > 0) {
        return o.fanout_threads;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

// A thread cannot join itself (that throws): one that shuts the hub down
// from inside is not waited for.
void join_unless_self(std::thread& thread)
{
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) {
        thread.join();
    }
}

} // namespace

HubCore::HubCore(HubOptions options, std::shared_ptr<Broker> broker)
    : options_(std::move(options)),
      broker_(broker ? std::move(broker) : std::make_shared<MemoryBroker>()),
      uid_(random_uuid()),
      name_(options_.node_name.empty() ? host_name() : options_.node_name),
      started_(Clock::now()),
      ping_frame_(std::make_shared<const Frame>("{}"))
{
    logger_.set_sink(options_.log_sink, options_.log_level);
    for (unsigned i = lane_count(options_); i > 0; --i) {
        lanes_.push_back(std::make_unique<FanoutLane>());
    }
}

HubCore::~HubCore()
{
    shutdown();
}

void HubCore::start()
{
    for (unsigned i = 0; i < lanes_.size(); ++i) {
        FanoutLane& lane = *lanes_[i];
        lane.thread = std::thread([this, &lane, i] { run_lane(lane, i); });
    }
    broker_->start(*this);
    housekeeper_ = std::thread([this] { housekeeping(); });
    logger_.log(LogLevel::info, "hub", fmt::format("node {} ({}) started", name_, uid_));
}

void HubCore::shutdown()
{
    if (shut_down_.exchange(true)) {
        return;
    }

    {
        std::lock_guard<std::mutex> lock(tick_mutex_);
        tick_cv_.notify_all();
    }
    join_unless_self(housekeeper_);
    stop_lanes();

    for (auto& session : sessions_snapshot()) {
        session->disconnect(disconnect::shutdown);
    }
    broker_->stop();
    logger_.log(LogLevel::info, "hub", "shut down");
}

const ChannelOptions* HubCore::resolve(std::string_view channel, std::error_code& ec) const
{
    if (channel.empty() || channel.size() > options_.channel_max_length) {
        ec = make_error_code(errc::bad_request);
        return nullptr;
    }

    auto ns = channel_namespace(channel);
    if (ns.empty()) {
        ec.clear();
        return &options_.default_channel;
    }
    auto it = options_.namespaces.find(ns);
    if (it == options_.namespaces.end()) {
        ec = make_error_code(errc::unknown_channel);
        return nullptr;
    }
    ec.clear();
    return &it->second;
}

std::shared_ptr<Session> HubCore::accept(std::shared_ptr<Connection> connection)
{
    if (shut_down_.load()) {
        return nullptr;
    }

    auto session =
        std::make_shared<Session>(shared_from_this(), std::move(connection), random_uuid());
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    sessions_.emplace(session->id(), SessionEntry{session, next_lane_});
    next_lane_ = (next_lane_ + 1) % lanes_.size();
    sessions_changed_ = true;
    return session;
}

void HubCore::remove_session(const std::string& id)
{
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    sessions_changed_ = sessions_.erase(id) != 0 || sessions_changed_;
}

std::vector<std::shared_ptr<Session>> HubCore::sessions_snapshot() const
{
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    std::vector<std::shared_ptr<Session>> out;
    out.reserve(sessions_.size());
    for (const auto& entry : sessions_) {
        out.push_back(entry.second.session);
    }
    return out;
}

unsigned HubCore::lane_of(const Session& session) const
{
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    auto it = sessions_.find(session.id());
    // A session already closed is delivered nothing; any lane will do.
    return it == sessions_.end() ? 0 : it->second.lane;
}

void HubCore::add_subscriber(const std::shared_ptr<Subscription>& sub)
{
    if (auto session = sub->session.lock()) {
        sub->lane = lane_of(*session);
    }

    std::lock_guard<std::mutex> lock(channels_mutex_);
    auto& channel = channels_[sub->channel];
    if (!channel) {
        channel = std::make_shared<Channel>(sub->channel, sub->options);
        broker_->subscribe(sub->channel);
    }

    std::lock_guard<std::mutex> channel_lock(channel->mutex_);
    writable_subscribers(*channel).push_back(sub);
}

void HubCore::remove_subscriber(const Subscription& sub)
{
    std::lock_guard<std::mutex> lock(channels_mutex_);
    auto it = channels_.find(sub.channel);
    if (it == channels_.end()) {
        return;
    }

    auto& channel = *it->second;
    std::unique_lock<std::mutex> channel_lock(channel.mutex_);
    auto& list = writable_subscribers(channel);
    const auto found = std::find_if(list.begin(), list.end(),
                                    [&sub](const auto& s) { return s.get() == &sub; });
    if (found != list.end()) {
        // Order among subscribers carries no meaning: fill the hole with
        // the last one instead of shifting the rest.
        *found = std::move(list.back());
        list.pop_back();
    }
    bool empty = list.empty();
    channel_lock.unlock();

    if (empty) {
        channels_.erase(it);
        broker_->unsubscribe(sub.channel);
    }
}

void HubCore::on_publication(const std::string& channel,
                             const PublicationPtr& pub,
                             const StreamPosition& position)
{
    std::shared_ptr<Channel> ch;
    {
        std::lock_guard<std::mutex> lock(channels_mutex_);
        auto it = channels_.find(channel);
        if (it == channels_.end()) {
            return;
        }
        ch = it->second;
    }

    auto subscribers = HubCore::subscribers(*ch);
    if (!subscribers || subscribers->empty() || !pub || shut_down_.load()) {
        return;
    }

    // Encoded once; every subscriber's queue gets the same bytes.
    auto task = std::make_shared<FanoutTask>();
    task->subscribers = std::move(subscribers);
    task->frame = std::make_shared<const Frame>(encode_publication_push(channel, *pub));
    task->publication = pub;
    task->position = position;
    task->channel = channel;
    queue_fanout(task);
}

void HubCore::queue_fanout(const std::shared_ptr<const FanoutTask>& task)
{
    // Lanes are keyed by session, not by channel or publication: one lane
    // delivers all of a session's publications, in the order they were
    // queued, and a recovering subscription takes a skipped offset for
    // lost state. Delivery never runs inline, which would overtake the
    // queues.
    const std::vector<bool> needed = lanes_needed(*task->subscribers);
    const std::size_t bytes = task_bytes(*task);
    int shedding_change = 0;
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
        if (!needed[i]) {
            continue;
        }
        FanoutLane& lane = *lanes_[i];
        {
            std::lock_guard<std::mutex> lock(lane.mutex);
            if (lane.stopping) {
                return;
            }
            if (sheds_locked(lane, *task, shedding_change)) {
                queue_resync_locked(lane, *task);
            } else {
                lane.queue.push_back(task);
                lane.queued_bytes.fetch_add(bytes, std::memory_order_relaxed);
            }
        }
        lane.wake.notify_one();
    }
    note_shedding(shedding_change);
}

// Publishes made on this node are refused past the limit, so a lane gets
// to twice the limit only through publications from other nodes (or many
// local ones already on their way through the broker). Past that it stops
// taking publications: memory stays bounded, and the subscribers it serves
// recover the shed ones from history. It takes them again once it is back
// under the limit, so that a lane near the mark does not flip on every
// publication. `change` counts lanes starting (+1) and ending (-1) it.
bool HubCore::sheds_locked(FanoutLane& lane, const FanoutTask& task, int& change) const noexcept
{
    const std::size_t limit = options_.fanout_queue_max_bytes;
    if (limit == 0 || !task.publication) {
        return false;
    }
    const std::size_t queued = lane.queued_bytes.load(std::memory_order_relaxed);
    if (lane.shedding != (lane.shedding ? queued > limit : queued > 2 * limit)) {
        lane.shedding = !lane.shedding;
        change += lane.shedding ? 1 : -1;
    }
    return lane.shedding;
}

// Queues, behind what the lane already has, a check of the channel's
// subscribers against the shed publication's position: each live one that
// is not there is sent back to recovery (unsubscribe 2500) and fetches
// what it lacks from history. A subscriber without recovery was promised
// nothing and simply misses the publication.
void HubCore::queue_resync_locked(FanoutLane& lane, const FanoutTask& shed)
{
    auto& pending = lane.resyncs[shed.channel];
    if (!pending) {
        pending = std::make_shared<FanoutTask>();
        pending->channel = shed.channel;
        lane.queue.push_back(pending);
    }
    pending->subscribers = shed.subscribers;
    pending->position = shed.position;
}

void HubCore::note_shedding(int change)
{
    // Logged when the first lane starts shedding and when the last one
    // stops, not once per publication.
    if (change == 0) {
        return;
    }
    const int before = shedding_lanes_.fetch_add(change);
    const bool started = before == 0;
    if (!started && before + change != 0) {
        return;
    }
    logger_.log(LogLevel::warn, "hub",
                started ? fmt::format("more than {} bytes wait for a fan-out thread; shedding "
                                      "publications, whose subscribers recover them from "
                                      "history",
                                      2 * options_.fanout_queue_max_bytes)
                        : std::string("fan-out caught up; no longer shedding publications"));
}

// A resync task carries no frame; it counts for nothing.
std::size_t HubCore::task_bytes(const FanoutTask& task) noexcept
{
    return task.frame ? task.frame->text().size() : 0;
}

bool HubCore::fanout_backlogged() noexcept
{
    const std::size_t limit = options_.fanout_queue_max_bytes;
    if (limit == 0) {
        return false;
    }
    const bool backlogged = std::any_of(lanes_.begin(), lanes_.end(), [limit](const auto& lane) {
        return lane->queued_bytes.load(std::memory_order_relaxed) > limit;
    });

    // Logged when refusing starts and when it ends, not once per publish.
    if (backlogged != refusing_publishes_.load(std::memory_order_relaxed) &&
        backlogged != refusing_publishes_.exchange(backlogged)) {
        logger_.log(LogLevel::warn, "hub",
                    backlogged ? fmt::format("more than {} bytes wait for a fan-out thread; "
                                             "refusing publishes with 111 until it catches up",
                                             limit)
                               : std::string("fan-out caught up; accepting publishes again"));
    }
    return backlogged;
}

std::vector<bool> HubCore::lanes_needed(const Channel::SubscriberList& subscribers) const
{
    // A channel with few subscribers wakes only the lanes that serve them,
    // not every lane on every publication. Skipping a lane keeps each
    // session's order, since its publications all go through its own lane.
    constexpr std::size_t scan_below_per_lane = 4;
    if (subscribers.size() >= lanes_.size() * scan_below_per_lane) {
        return std::vector<bool>(lanes_.size(), true);
    }
    std::vector<bool> needed(lanes_.size(), false);
    for (const auto& sub : subscribers) {
        needed[sub->lane] = true;
    }
    return needed;
}

void HubCore::run_lane(FanoutLane& lane, unsigned index)
{
    std::unique_lock<std::mutex> lock(lane.mutex);
    for (;;) {
        lane.wake.wait(lock, [&lane] { return lane.stopping || !lane.queue.empty(); });
        if (lane.stopping) {
            break;
        }
        auto task = std::move(lane.queue.front());
        lane.queue.pop_front();
        if (!task->publication && !task->channel.empty()) {
            // A shed resync is under way: later sheds need one of their own.
            lane.resyncs.erase(task->channel);
        }
        lock.unlock();

        // An exception here would end the process, not one delivery.
        try {
            serve(*task, index);
        } catch (const std::exception& e) {
            logger_.log(LogLevel::error, "hub",
                        fmt::format("fan-out failed: {}", e.what()));
        }
        lane.queued_bytes.fetch_sub(task_bytes(*task), std::memory_order_relaxed);
        task.reset();
        lock.lock();
    }

    // Shutting down: what is still queued is dropped.
    lane.queue.clear();
}

void HubCore::serve(const FanoutTask& task, unsigned lane)
{
    // The transport may hand this lane's writes to the kernel together.
    SendBatch batch;
    for (const auto& sub : *task.subscribers) {
        if (sub->lane != lane) {
            continue;
        }
        if (shut_down_.load(std::memory_order_relaxed)) {
            return;
        }
        auto session = sub->session.lock();
        if (!session) {
            continue;
        }
        if (task.publication) {
            session->deliver(*sub, task.frame, task.publication, task.position);
        } else {
            session->resync(*sub, task.position);
        }
    }
}

void HubCore::stop_lanes()
{
    for (auto& lane : lanes_) {
        std::lock_guard<std::mutex> lock(lane->mutex);
        lane->stopping = true;
        lane->wake.notify_one();
    }
    for (auto& lane : lanes_) {
        join_unless_self(lane->thread);
    }
}

Channel::SubscriberList& HubCore::writable_subscribers(Channel& ch)
{
    // Fan-outs take their snapshot under ch.mutex_, which the caller holds:
    // a list no snapshot shares can change in place. Copying it on every
    // join and leave made N subscribes and N unsubscribes cost O(N^2).
    auto& current = ch.subscribers_;
    if (current && current.use_count() == 1) {
        // Pairs with the release in the last snapshot's reference drop, so
        // that its reads of the list happen before these writes.
        std::atomic_thread_fence(std::memory_order_acquire);
        return const_cast<Channel::SubscriberList&>(*current);
    }
    auto copy = current ? std::make_shared<Channel::SubscriberList>(*current)
                        : std::make_shared<Channel::SubscriberList>();
    auto& list = *copy;
    current = std::move(copy);
    return list;
}

std::shared_ptr<const Channel::SubscriberList> HubCore::subscribers(const Channel& ch)
{
    std::lock_guard<std::mutex> lock(ch.mutex_);
    return ch.subscribers_;
}

std::vector<std::shared_ptr<Channel>> HubCore::channels_snapshot() const
{
    std::lock_guard<std::mutex> lock(channels_mutex_);
    std::vector<std::shared_ptr<Channel>> out;
    out.reserve(channels_.size());
    for (const auto& entry : channels_) {
        out.push_back(entry.second);
    }
    return out;
}

void HubCore::on_feed_restored()
{
    logger_.log(LogLevel::warn, "hub", "broker feed restored; checking subscriber positions");

    // Every subscriber whose position is not the stream top missed
    // something while the feed was down: it is sent back to recovery. The
    // check queues behind the publications still in the lanes, which would
    // otherwise look missed.
    std::weak_ptr<HubCore> weak = weak_from_this();
    for (const auto& ch : channels_snapshot()) {
        HistoryQuery query;
        query.history_size = ch->options().history_size;
        query.history_ttl = ch->options().history_ttl;
        broker_->history(ch->name(), query, [weak, ch](std::error_code ec, HistoryResult r) {
            auto self = weak.lock();
            auto subscribers = HubCore::subscribers(*ch);
            if (!self || !subscribers) {
                return;
            }
            auto task = std::make_shared<FanoutTask>();
            task->subscribers = std::move(subscribers);
            task->position = ec ? StreamPosition{} : r.top;
            self->queue_fanout(task);
        });
    }
}

void HubCore::publish(PublishRequest request,
                      std::optional<ClientInfo> info,
                      std::function<void(std::error_code, PublishResult)> done)
{
    if (shut_down_.load()) {
        done(make_error_code(errc::shut_down), {});
        return;
    }

    std::error_code ec;
    const ChannelOptions* options = resolve(request.channel, ec);
    if (!options) {
        done(ec, {});
        return;
    }
    if (!is_json(request.data)) {
        done(make_error_code(errc::bad_request), {});
        return;
    }

    // Refused before the broker has it, so nothing accepted is ever lost;
    // the publisher retries once the fan-out has caught up.
    if (fanout_backlogged()) {
        done(make_error_code(errc::too_many_requests), {});
        return;
    }

    PublishOptions publish = publish_options(*options, request);
    publish.info = std::move(info);
    broker_->publish(request.channel, strip_newlines(request.data), std::move(publish),
                     std::move(done));
}

void HubCore::history(std::string channel,
                      HistoryQuery query,
                      std::function<void(std::error_code, HistoryResult)> done)
{
    std::error_code ec;
    const ChannelOptions* options = resolve(channel, ec);
    if (!options) {
        done(ec, {});
        return;
    }
    if (!history_enabled(*options)) {
        done(make_error_code(errc::not_available), {});
        return;
    }

    auto max = static_cast<std::ptrdiff_t>(options_.history_max_publications);
    if (query.limit < 0 || query.limit > max) {
        query.limit = max;
    }
    query.history_size = options->history_size;
    query.history_ttl = options->history_ttl;

    auto since = query.since;
    bool reverse = query.reverse;
    broker_->history(channel, std::move(query),
                     [since, reverse, done = std::move(done)](std::error_code ec,
                                                              HistoryResult r) {
                         if (!ec && since && !reverse && !covers(r, *since)) {
                             ec = make_error_code(errc::unrecoverable_position);
                         }
                         done(ec, std::move(r));
                     });
}

void HubCore::presence(std::string channel,
                       std::function<void(std::error_code, PresenceMap)> done)
{
    std::error_code ec;
    const ChannelOptions* options = resolve(channel, ec);
    if (options && !options->presence) {
        ec = make_error_code(errc::not_available);
    }
    if (ec) {
        done(ec, {});
        return;
    }
    broker_->presence(channel, std::move(done));
}

void HubCore::presence_stats(std::string channel,
                             std::function<void(std::error_code, PresenceStats)> done)
{
    std::error_code ec;
    const ChannelOptions* options = resolve(channel, ec);
    if (options && !options->presence) {
        ec = make_error_code(errc::not_available);
    }
    if (ec) {
        done(ec, {});
        return;
    }
    broker_->presence_stats(channel, std::move(done));
}

std::vector<ChannelSummary> HubCore::channels() const
{
    std::vector<ChannelSummary> out;
    {
        std::lock_guard<std::mutex> lock(channels_mutex_);
        out.reserve(channels_.size());
        for (const auto& [name, ch] : channels_) {
            out.push_back({name, ch->num_subscribers()});
        }
    }
    std::sort(out.begin(), out.end(),
              [](const ChannelSummary& a, const ChannelSummary& b) { return a.name < b.name; });
    return out;
}

NodeInfo HubCore::info() const
{
    NodeInfo out;
    out.uid = uid_;
    out.name = name_;
    out.version = version_string;
    out.uptime = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_);

    std::set<std::string> users;
    for (const auto& session : sessions_snapshot()) {
        if (session->connected()) {
            ++out.num_clients;
            users.insert(session->user());
        }
    }
    out.num_users = users.size();

    std::lock_guard<std::mutex> lock(channels_mutex_);
    out.num_channels = channels_.size();
    return out;
}

void HubCore::nodes(std::function<void(std::error_code, std::vector<NodeInfo>)> done) const
{
    broker_->nodes([self = shared_from_this(), done = std::move(done)](
                       std::error_code ec, std::vector<NodeInfo> others) {
        if (ec) {
            done(ec, {});
            return;
        }
        std::vector<NodeInfo> out{self->info()};
        for (auto& node : others) {
            if (node.uid != self->uid_) {
                out.push_back(std::move(node));
            }
        }
        std::sort(out.begin() + 1, out.end(),
                  [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; });
        done({}, std::move(out));
    });
}

void HubCore::housekeeping()
{
    std::unique_lock<std::mutex> lock(tick_mutex_);
    while (!shut_down_.load()) {
        tick_cv_.wait_for(lock, tick_period);
        if (shut_down_.load()) {
            break;
        }

        lock.unlock();
        refresh_ticking();
        auto now = Clock::now();
        for (auto& session : ticking_) {
            session->tick(now);
        }
        lock.lock();
    }

    // Sessions hold the core: keeping them here would keep it alive.
    ticking_.clear();
}

void HubCore::refresh_ticking()
{
    {
        std::lock_guard<std::mutex> lock(sessions_mutex_);
        if (!sessions_changed_) {
            return;
        }
        sessions_changed_ = false;
    }
    // A session that comes or goes from here on marks the list changed
    // again, and the next tick rebuilds it.
    ticking_ = sessions_snapshot();
}

} // namespace detail

using detail::value_or_throw;
using detail::wait_for;

Hub::Hub(HubOptions options, std::shared_ptr<Broker> broker)
{
    std::error_code ec;
    std::string what;
    validate(options, ec, what);
    if (ec) {
        detail::throw_error(ec, what.c_str());
    }
    core_ = std::make_shared<detail::HubCore>(std::move(options), std::move(broker));
    core_->start();
}

Hub::~Hub()
{
    shutdown();
}

PublishResult Hub::publish(std::string_view channel, std::string_view data)
{
    std::error_code ec;
    auto result = publish(channel, data, ec);
    return value_or_throw(std::move(result), ec, "herald::Hub::publish");
}

PublishResult Hub::publish(std::string_view channel,
                           std::string_view data,
                           std::error_code& ec) noexcept
{
    return wait_for<PublishResult>(
        [&](auto done) {
            PublishRequest request;
            request.channel = std::string(channel);
            request.data = std::string(data);
            core_->publish(std::move(request), std::nullopt, std::move(done));
        },
        ec);
}

void Hub::publish_async(PublishRequest request,
                        std::function<void(std::error_code, PublishResult)> done)
{
    core_->publish(std::move(request), std::nullopt, std::move(done));
}

HistoryResult Hub::history(std::string_view channel, HistoryQuery query)
{
    std::error_code ec;
    auto result = history(channel, std::move(query), ec);
    return value_or_throw(std::move(result), ec, "herald::Hub::history");
}

HistoryResult Hub::history(std::string_view channel,
                           HistoryQuery query,
                           std::error_code& ec) noexcept
{
    return wait_for<HistoryResult>(
        [&](auto done) { core_->history(std::string(channel), std::move(query), done); }, ec);
}

void Hub::history_async(std::string channel,
                        HistoryQuery query,
                        std::function<void(std::error_code, HistoryResult)> done)
{
    core_->history(std::move(channel), std::move(query), std::move(done));
}

PresenceMap Hub::presence(std::string_view channel)
{
    std::error_code ec;
    auto result = presence(channel, ec);
    return value_or_throw(std::move(result), ec, "herald::Hub::presence");
}

PresenceMap Hub::presence(std::string_view channel, std::error_code& ec) noexcept
{
    return wait_for<PresenceMap>(
        [&](auto done) { core_->presence(std::string(channel), done); }, ec);
}

void Hub::presence_async(std::string channel,
                         std::function<void(std::error_code, PresenceMap)> done)
{
    core_->presence(std::move(channel), std::move(done));
}

PresenceStats Hub::presence_stats(std::string_view channel)
{
    std::error_code ec;
    auto result = presence_stats(channel, ec);
    return value_or_throw(result, ec, "herald::Hub::presence_stats");
}

PresenceStats Hub::presence_stats(std::string_view channel, std::error_code& ec) noexcept
{
    return wait_for<PresenceStats>(
        [&](auto done) { core_->presence_stats(std::string(channel), done); }, ec);
}

void Hub::presence_stats_async(std::string channel,
                               std::function<void(std::error_code, PresenceStats)> done)
{
    core_->presence_stats(std::move(channel), std::move(done));
}

std::vector<ChannelSummary> Hub::channels() const
{
    return core_->channels();
}

NodeInfo Hub::info() const
{
    return core_->info();
}

std::vector<NodeInfo> Hub::nodes() const
{
    std::error_code ec;
    auto result = nodes(ec);
    return value_or_throw(std::move(result), ec, "herald::Hub::nodes");
}

std::vector<NodeInfo> Hub::nodes(std::error_code& ec) const noexcept
{
    return wait_for<std::vector<NodeInfo>>([&](auto done) { core_->nodes(done); }, ec);
}

void Hub::nodes_async(std::function<void(std::error_code, std::vector<NodeInfo>)> done) const
{
    core_->nodes(std::move(done));
}

std::shared_ptr<Session> Hub::accept(std::shared_ptr<Connection> connection)
{
    return core_->accept(std::move(connection));
}

void Hub::shutdown()
{
    if (core_) {
        core_->shutdown();
    }
}

const HubOptions& Hub::options() const noexcept
{
    return core_->options();
}

const Logger& Hub::logger() const noexcept
{
    return core_->logger();
}

} // namespace herald
