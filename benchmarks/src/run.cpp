// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "run.hpp"

#include "process.hpp"
#include "publisher.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

constexpr double server_start_timeout_s = 15;
constexpr double idle_window_s = 2;
constexpr int first_source_octet = 10; // workers bind to 127.0.0.10, .11, ...

// One forked worker and the coordinator's ends of its pipes.
struct WorkerHandle {
    pid_t pid = -1;
    int up_fd = -1;   // its progress lines
    int down_fd = -1; // our "STOP"
    std::string result_path;
    std::string buffer;
    std::uint64_t subscribed = 0;
    std::uint64_t failed = 0;
    bool ready = false;
    bool done = false;
};

// herald-bench-server, on Redis at `redis_url` unless it is empty.
std::vector<std::string> herald_command(const RunOptions& o, const std::string& redis_url)
{
    std::vector<std::string> argv = {o.server_bin,
                                     "--port",
                                     "0",
                                     "--api-key",
                                     o.api_key,
                                     "--threads",
                                     std::to_string(o.server_threads),
                                     "--fanout-threads",
                                     std::to_string(o.server_fanout_threads),
                                     "--batch-writes",
                                     o.server_batch_writes ? "1" : "0",
                                     "--queue-max-bytes",
                                     std::to_string(o.server_queue_max_bytes)};
    if (o.server_ping_interval >= 0) {
        argv.insert(argv.end(), {"--ping-interval", std::to_string(o.server_ping_interval)});
    }
    if (o.server_fanout_queue_max_bytes >= 0) {
        argv.insert(argv.end(), {"--fanout-queue-max-bytes",
                                 std::to_string(o.server_fanout_queue_max_bytes)});
    }
    if (!redis_url.empty()) {
        argv.insert(argv.end(), {"--redis", redis_url});
    }
    return argv;
}

std::vector<std::string> peer_command(const RunOptions& o)
{
    const std::string script = o.target == Target::ws ? "ws_server.mjs" : "socketio_server.mjs";
    return {o.node, o.peers_dir + "/" + script, "--port", "0"};
}

// A throwaway Redis: loopback only, nothing written to disk.
std::vector<std::string> redis_command(const RunOptions& o, std::uint16_t port)
{
    return {o.redis_server,
            "--port", std::to_string(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", ""};
}

// The sum over every node of what /proc says; nothing when one is gone.
std::optional<ProcSample> sample_all(const std::vector<std::unique_ptr<ServerProcess>>& nodes)
{
    ProcSample sum;
    for (const auto& node : nodes) {
        const auto one = sample_process(node->pid());
        if (!one) {
            return std::nullopt;
        }
        sum.cpu_s += one->cpu_s;
        sum.rss_kb += one->rss_kb;
        sum.hwm_kb += one->hwm_kb;
    }
    return sum;
}

unsigned worker_count(const RunOptions& o)
{
    if (o.workers != 0) {
        return o.workers;
    }
    // One process per core at least: with a single one, the other core sits
    // idle while it reads a fan-out's last frames. More where one process
    // would hold too many descriptors.
    const auto per = std::max<std::size_t>(1, o.clients_per_worker);
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t count = std::max((o.clients + per - 1) / per, cores);
    const std::size_t most = std::max<std::size_t>(o.clients, 1);
    return static_cast<unsigned>(std::clamp<std::size_t>(count, 1, most));
}

std::string temp_path(unsigned index)
{
    const char* dir = std::getenv("TMPDIR");
    return fmt::format("{}/herald-bench-{}-{}.bin", dir ? dir : "/tmp", getpid(), index);
}

WorkerHandle start_worker(const RunOptions& o,
                          std::uint16_t port,
                          unsigned index,
                          std::size_t clients)
{
    int up[2];
    int down[2];
    if (pipe(up) != 0 || pipe(down) != 0) {
        throw std::runtime_error("pipe failed");
    }

    WorkerSpec spec;
    spec.target = protocol_of(o.target);
    spec.source_address = fmt::format("127.0.0.{}", first_source_octet + index % 200);
    spec.port = port;
    spec.clients = clients;
    spec.publications = o.publications;
    spec.max_in_flight = o.max_in_flight;
    spec.connect_timeout_s = o.connect_timeout_s;
    spec.up_fd = up[1];
    spec.down_fd = down[0];
    spec.result_path = temp_path(index);

    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        close(up[0]);
        close(down[1]);
        _exit(run_worker(spec));
    }
    close(up[1]);
    close(down[0]);
    WorkerHandle handle;
    handle.pid = pid;
    handle.up_fd = up[0];
    handle.down_fd = down[1];
    handle.result_path = spec.result_path;
    return handle;
}

// Reads the lines a worker has written: "P s f", "R s f" or "D".
void read_lines(WorkerHandle& w)
{
    char buf[512];
    const ssize_t n = read(w.up_fd, buf, sizeof(buf));
    if (n <= 0) {
        w.done = true; // it exited
        return;
    }
    w.buffer.append(buf, static_cast<std::size_t>(n));
    std::size_t end = 0;
    while ((end = w.buffer.find('\n')) != std::string::npos) {
        const std::string line = w.buffer.substr(0, end);
        w.buffer.erase(0, end + 1);
        if (line == "D") {
            w.done = true;
        } else if (line.size() > 2 && (line[0] == 'P' || line[0] == 'R')) {
            std::sscanf(line.c_str() + 2, "%lu %lu", &w.subscribed, &w.failed);
            w.ready = w.ready || line[0] == 'R';
        }
    }
}

// Waits until `until(worker)` holds for every worker, or `deadline_ns`;
// `tick()` runs after every wake-up.
template <class Until, class Tick>
bool wait_workers(std::vector<WorkerHandle>& workers,
                  std::int64_t deadline_ns,
                  Until until,
                  Tick tick)
{
    for (;;) {
        const bool all = std::all_of(workers.begin(), workers.end(), until);
        if (all || now_ns() > deadline_ns) {
            return all;
        }
        std::vector<pollfd> polls;
        for (const auto& w : workers) {
            polls.push_back({w.done ? -1 : w.up_fd, POLLIN, 0});
        }
        poll(polls.data(), polls.size(), 200);
        for (std::size_t i = 0; i < polls.size(); ++i) {
            if (polls[i].revents != 0) {
                read_lines(workers[i]);
            }
        }
        tick();
    }
}

void progress_line(const RunOptions& o, const std::string& text)
{
    if (o.progress) {
        std::fprintf(stderr, "\r%-13s N=%-6zu %-60s", std::string(to_string(o.target)).c_str(),
                     o.clients, text.c_str());
        std::fflush(stderr);
    }
}

class Run {
public:
    explicit Run(const RunOptions& o) : o_(o) {}

    RunReport execute();

private:
    void start_servers();
    void stop_servers();
    double redis_cpu_s() const;
    void connect_all();
    void publish();
    void drain();
    void collect();
    void merge(const WorkerResult& r,
               std::vector<std::int64_t>& latencies,
               std::vector<std::int64_t>& last,
               std::vector<std::uint32_t>& counts);
    void stop_workers();

    const RunOptions& o_;
    RunReport r_;
    std::unique_ptr<ServerProcess> redis_;
    // Clients connect to the last node, the publisher to the first.
    std::vector<std::unique_ptr<ServerProcess>> nodes_;
    std::vector<WorkerHandle> workers_;
    std::int64_t start_ns_ = 0;
    std::int64_t publish_cpu_ns_ = 0;
    std::int64_t publish_start_ns_ = 0;
    std::int64_t first_pub_ns_ = 0;
    ProcSample idle_{};
    double redis_idle_cpu_s_ = 0;
    double children_before_s_ = 0;
};

RunReport Run::execute()
{
    r_.target = o_.target;
    r_.clients = o_.clients;
    r_.publications = o_.publications;
    r_.size = o_.size;
    r_.rate = o_.rate;
    r_.workers = worker_count(o_);
    r_.expected = static_cast<std::uint64_t>(o_.clients) * o_.publications;
    r_.nodes = node_count(o_.target);
    try {
        start_servers();
        connect_all();
        publish();
        drain();
    } catch (const std::exception& e) {
        r_.error = e.what();
    }
    stop_workers();
    collect();
    stop_servers();
    if (o_.progress) {
        std::fputc('\n', stderr);
    }
    return r_;
}

void Run::start_servers()
{
    if (!uses_redis(o_.target)) {
        const auto argv = o_.target == Target::herald ? herald_command(o_, "") : peer_command(o_);
        nodes_.push_back(std::make_unique<ServerProcess>(argv, server_start_timeout_s));
        return;
    }
    const std::uint16_t port = free_loopback_port();
    redis_ = std::make_unique<ServerProcess>(redis_command(o_, port), port,
                                             "Ready to accept connections",
                                             server_start_timeout_s);
    const std::string url = fmt::format("redis://127.0.0.1:{}", port);
    for (std::size_t i = 0; i < node_count(o_.target); ++i) {
        nodes_.push_back(
            std::make_unique<ServerProcess>(herald_command(o_, url), server_start_timeout_s));
    }
}

void Run::stop_servers()
{
    if (const auto end = sample_all(nodes_)) {
        r_.server_peak_rss_kb = end->hwm_kb;
    }
    for (auto& node : nodes_) {
        node->stop();
    }
    if (redis_) {
        redis_->stop();
    }
}

double Run::redis_cpu_s() const
{
    const auto sample = redis_ ? sample_process(redis_->pid()) : std::nullopt;
    return sample ? sample->cpu_s : 0;
}

void Run::connect_all()
{
    const auto before = sample_all(nodes_);
    r_.server_rss_before_kb = before ? before->rss_kb : 0;
    children_before_s_ = children_cpu_s();

    start_ns_ = now_ns();
    const unsigned count = worker_count(o_);
    for (unsigned i = 0; i < count; ++i) {
        const std::size_t share = o_.clients / count + (i < o_.clients % count ? 1 : 0);
        workers_.push_back(start_worker(o_, nodes_.back()->port(), i, share));
    }

    const auto deadline = start_ns_ + static_cast<std::int64_t>((o_.connect_timeout_s + 10) * 1e9);
    const bool ready = wait_workers(
        workers_, deadline, [](const WorkerHandle& w) { return w.ready || w.done; },
        [this] {
            std::uint64_t subscribed = 0;
            std::uint64_t failed = 0;
            for (const auto& w : workers_) {
                subscribed += w.subscribed;
                failed += w.failed;
            }
            progress_line(o_, fmt::format("subscribed {}/{}, failed {}, {:.1f} s", subscribed,
                                          o_.clients, failed, (now_ns() - start_ns_) / 1e9));
        });
    if (!ready) {
        throw std::runtime_error("workers did not finish connecting");
    }

    const auto idle = sample_all(nodes_);
    if (!idle || !before) {
        throw std::runtime_error("the server exited while clients connected");
    }
    r_.server_rss_idle_kb = idle->rss_kb;
    r_.server_connect_cpu_s = idle->cpu_s - before->cpu_s;

    // What the server spends with nothing to deliver (pings, timers), so
    // that the fan-out's own CPU can be told apart at low rates.
    progress_line(o_, "measuring the idle server");
    std::this_thread::sleep_for(std::chrono::duration<double>(idle_window_s));
    const auto rested = sample_all(nodes_);
    if (!rested) {
        throw std::runtime_error("the server exited while idle");
    }
    idle_ = *rested;
    redis_idle_cpu_s_ = redis_cpu_s();
    r_.server_idle_cpu_per_s = (rested->cpu_s - idle->cpu_s) / idle_window_s;
}

void Run::publish()
{
    PublishPlan plan;
    plan.port = nodes_.front()->port();
    plan.api_key = o_.api_key;
    plan.count = o_.publications;
    plan.size = o_.size;
    plan.rate = o_.rate;
    // herald answers once the fan-out is queued: under a backlog that
    // takes as long as the deliveries themselves.
    plan.answer_timeout_s = o_.drain_timeout_s;

    publish_cpu_ns_ = self_cpu_ns();
    publish_start_ns_ = now_ns();
    const PublishStats stats = publish_all(plan, [this](std::size_t sent) {
        progress_line(o_, fmt::format("published {}/{}", sent, o_.publications));
    });
    r_.published_ok = stats.ok;
    r_.published_failed = stats.failed;
    r_.publish_span_s = (stats.last_ns - stats.first_ns) / 1e9;
    r_.answer_span_s = std::max<std::int64_t>(0, stats.last_answer_ns - stats.first_ns) / 1e9;
    first_pub_ns_ = stats.first_ns;
}

void Run::drain()
{
    const auto deadline = now_ns() + static_cast<std::int64_t>(o_.drain_timeout_s * 1e9);
    wait_workers(
        workers_, deadline, [](const WorkerHandle& w) { return w.done; },
        [this] { progress_line(o_, "waiting for the last deliveries"); });
    publish_cpu_ns_ = self_cpu_ns() - publish_cpu_ns_;
    r_.publish_window_s = (now_ns() - publish_start_ns_) / 1e9;

    if (const auto end = sample_all(nodes_)) {
        r_.server_cpu_s = end->cpu_s - idle_.cpu_s;
    }
    r_.redis_cpu_s = redis_cpu_s() - redis_idle_cpu_s_;
}

void Run::stop_workers()
{
    for (auto& w : workers_) {
        const ssize_t ignored = write(w.down_fd, "STOP\n", 5);
        static_cast<void>(ignored);
    }
    for (auto& w : workers_) {
        int status = 0;
        if (!wait_exit(w.pid, 10, status)) {
            kill(w.pid, SIGKILL);
            wait_exit(w.pid, 5, status);
        }
        close(w.up_fd);
        close(w.down_fd);
    }
    r_.loadgen_total_cpu_s = children_cpu_s() - children_before_s_;
}

void Run::collect()
{
    std::vector<std::int64_t> latencies;
    std::vector<std::int64_t> last(o_.publications, 0);
    std::vector<std::uint32_t> counts(o_.publications, 0);
    std::int64_t last_subscribed = start_ns_;
    double worker_cpu_s = 0;
    for (const auto& w : workers_) {
        auto result = load(w.result_path);
        std::remove(w.result_path.c_str());
        if (!result) {
            r_.error = r_.error.empty() ? "a worker left no result" : r_.error;
            continue;
        }
        last_subscribed = std::max(last_subscribed, result->last_subscribed_ns);
        worker_cpu_s += (result->cpu_done_ns - result->cpu_ready_ns) / 1e9;
        merge(*result, latencies, last, counts);
    }

    r_.connect_s = (last_subscribed - start_ns_) / 1e9;
    r_.loadgen_cpu_s = worker_cpu_s + publish_cpu_ns_ / 1e9;
    r_.latency = spread_ms(latencies);

    std::vector<std::int64_t> reached;
    for (std::size_t i = 0; i < last.size(); ++i) {
        if (counts[i] > 0) {
            reached.push_back(last[i]);
        }
    }
    const auto slowest = std::max_element(reached.begin(), reached.end());
    r_.fanout_s = r_.publish_span_s + (slowest == reached.end() ? 0 : *slowest / 1e9);
    r_.last_device = spread_ms(reached);
}

void Run::merge(const WorkerResult& r,
                std::vector<std::int64_t>& latencies,
                std::vector<std::int64_t>& last,
                std::vector<std::uint32_t>& counts)
{
    r_.subscribed += r.subscribed;
    r_.failed += r.failed;
    r_.dropped += r.dropped;
    r_.delivered += r.received;
    latencies.insert(latencies.end(), r.latencies_ns.begin(), r.latencies_ns.end());
    for (std::size_t i = 0; i < last.size() && i < r.pub_last_ns.size(); ++i) {
        last[i] = std::max(last[i], r.pub_last_ns[i]);
        counts[i] += r.pub_count[i];
    }
}

} // namespace

RunReport run_once(const RunOptions& options)
{
    return Run(options).execute();
}

} // namespace bench
