// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/memory_broker.hpp>

#include "random.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace herald {
namespace {

using Clock = HistoryBuffer::Clock;

// How long an idempotency key is remembered.
constexpr auto idempotency_window = std::chrono::minutes(5);

constexpr std::size_t epoch_length = 8;

} // namespace

struct MemoryBroker::Stream {
    Stream(std::size_t size, std::chrono::seconds ttl)
        : history(size, ttl, detail::random_string(epoch_length))
    {
    }

    // Serialises appends and deliveries of one channel, so that every
    // subscriber sees its publications in offset order.
    std::mutex mutex;
    HistoryBuffer history;
};

struct MemoryBroker::Idempotent {
    struct Entry {
        std::string key;
        Clock::time_point at;
    };

    void prune(Clock::time_point now)
    {
        while (!order.empty() && now - order.front().at > idempotency_window) {
            results.erase(order.front().key);
            order.pop_front();
        }
    }

    std::mutex mutex;
    std::unordered_map<std::string, PublishResult> results;
    std::deque<Entry> order;
};

MemoryBroker::MemoryBroker() : idempotent_(std::make_unique<Idempotent>()) {}

MemoryBroker::~MemoryBroker() = default;

void MemoryBroker::start(BrokerEventHandler& handler)
{
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = &handler;
}

void MemoryBroker::stop()
{
    std::lock_guard<std::mutex> lock(mutex_);
    handler_ = nullptr;
}

std::shared_ptr<MemoryBroker::Stream> MemoryBroker::stream_locked(const std::string& channel,
                                                  std::size_t history_size,
                                                  std::chrono::seconds history_ttl)
{
    auto& slot = streams_[channel];
    if (!slot) {
        slot = std::make_shared<Stream>(history_size, history_ttl);
    }
    return slot;
}

void MemoryBroker::publish(const std::string& channel,
                           std::string data,
                           PublishOptions options,
                           PublishCallback done)
{
    std::string key;
    if (!options.idempotency_key.empty()) {
        key = channel + '\n' + options.idempotency_key;
    }

    // A key held here for the whole publish makes a concurrent retry with
    // the same key wait and then find the first result.
    std::unique_lock<std::mutex> idem_lock(idempotent_->mutex, std::defer_lock);
    if (!key.empty()) {
        idem_lock.lock();
        idempotent_->prune(Clock::now());
        auto it = idempotent_->results.find(key);
        if (it != idempotent_->results.end()) {
            PublishResult first = it->second;
            idem_lock.unlock();
            done({}, std::move(first));
            return;
        }
    }

    std::shared_ptr<Stream> stream;
    BrokerEventHandler* handler = nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stream = stream_locked(channel, options.history_size, options.history_ttl);
        handler = handler_;
    }

    PublishResult result;
    {
        std::lock_guard<std::mutex> lock(stream->mutex);
        Publication pub;
        pub.data = std::move(data);
        pub.info = std::move(options.info);
        pub.tags = std::move(options.tags);

        stream->history.set_limits(options.history_size, options.history_ttl);
        auto appended = stream->history.append(std::move(pub), Clock::now());
        result.position = appended.top;
        if (handler != nullptr) {
            handler->on_publication(channel, appended.publication, result.position);
        }
    }

    if (!key.empty()) {
        idempotent_->results.emplace(key, result);
        idempotent_->order.push_back({key, Clock::now()});
        idem_lock.unlock();
    }
    done({}, std::move(result));
}

void MemoryBroker::subscribe(const std::string&) {}

void MemoryBroker::unsubscribe(const std::string&) {}

void MemoryBroker::history(const std::string& channel, HistoryQuery query, HistoryCallback done)
{
    std::shared_ptr<Stream> stream;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stream = stream_locked(channel, query.history_size, query.history_ttl);
    }

    HistoryResult result;
    {
        std::lock_guard<std::mutex> lock(stream->mutex);
        auto now = Clock::now();
        HistoryBuffer::ReadResult read;
        if (query.limit == 0) {
            read.top = stream->history.top();
        } else if (query.reverse) {
            read = stream->history.read_latest(-1, now);
            if (query.since) {
                auto stop = query.since->offset;
                auto& pubs = read.publications;
                pubs.erase(std::remove_if(pubs.begin(), pubs.end(),
                                          [stop](const PublicationPtr& p) {
                                              return p->offset >= stop;
                                          }),
                           pubs.end());
            }
            if (query.limit > 0 &&
                read.publications.size() > static_cast<std::size_t>(query.limit)) {
                read.publications.resize(static_cast<std::size_t>(query.limit));
            }
        } else {
            std::uint64_t after = query.since ? query.since->offset : 0;
            read = stream->history.read_after(after, query.limit, now);
        }
        result.publications = std::move(read.publications);
        result.top = std::move(read.top);
    }
    done({}, std::move(result));
}

void MemoryBroker::add_presence(const std::string& channel, ClientInfo info)
{
    std::lock_guard<std::mutex> lock(mutex_);
    std::string client = info.client;
    presence_[channel][client] = std::move(info);
}

void MemoryBroker::remove_presence(const std::string& channel, const std::string& client_id)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = presence_.find(channel);
    if (it == presence_.end()) {
        return;
    }
    it->second.erase(client_id);
    if (it->second.empty()) {
        presence_.erase(it);
    }
}

void MemoryBroker::presence(const std::string& channel, PresenceCallback done)
{
    PresenceMap result;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = presence_.find(channel);
        if (it != presence_.end()) {
            result = it->second;
        }
    }
    done({}, std::move(result));
}

void MemoryBroker::presence_stats(const std::string& channel, StatsCallback done)
{
    PresenceStats stats;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = presence_.find(channel);
        if (it != presence_.end()) {
            std::set<std::string_view> users;
            for (const auto& [client, info] : it->second) {
                users.insert(info.user);
            }
            stats.num_clients = it->second.size();
            stats.num_users = users.size();
        }
    }
    done({}, stats);
}

void MemoryBroker::reset_stream(const std::string& channel)
{
    std::lock_guard<std::mutex> lock(mutex_);
    streams_.erase(channel);
}

} // namespace herald
