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

std::vector<std::string> server_command(const RunOptions& o)
{
    if (o.target == Target::herald) {
        return {o.server_bin,
                "--port",
                "0",
                "--api-key",
                o.api_key,
                "--threads",
                std::to_string(o.server_threads)};
    }
    const std::string script = o.target == Target::ws ? "ws_server.mjs" : "socketio_server.mjs";
    return {o.node, o.peers_dir + "/" + script, "--port", "0"};
}

unsigned worker_count(const RunOptions& o)
{
    if (o.workers != 0) {
        return o.workers;
    }
    const auto per = std::max<std::size_t>(1, o.clients_per_worker);
    return static_cast<unsigned>(std::max<std::size_t>(1, (o.clients + per - 1) / per));
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
    spec.target = o.target;
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
        std::fprintf(stderr, "\r%-8s N=%-6zu %-60s", std::string(to_string(o.target)).c_str(),
                     o.clients, text.c_str());
        std::fflush(stderr);
    }
}

class Run {
public:
    explicit Run(const RunOptions& o) : o_(o) {}

    RunReport execute();

private:
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
    std::unique_ptr<ServerProcess> server_;
    std::vector<WorkerHandle> workers_;
    std::int64_t start_ns_ = 0;
    std::int64_t publish_cpu_ns_ = 0;
    std::int64_t publish_start_ns_ = 0;
    std::int64_t first_pub_ns_ = 0;
    ProcSample idle_{};
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
    try {
        server_ = std::make_unique<ServerProcess>(server_command(o_), server_start_timeout_s);
        connect_all();
        publish();
        drain();
    } catch (const std::exception& e) {
        r_.error = e.what();
    }
    stop_workers();
    collect();
    if (server_) {
        if (const auto end = sample_process(server_->pid())) {
            r_.server_peak_rss_kb = end->hwm_kb;
        }
        server_->stop();
    }
    if (o_.progress) {
        std::fputc('\n', stderr);
    }
    return r_;
}

void Run::connect_all()
{
    const auto before = sample_process(server_->pid());
    r_.server_rss_before_kb = before ? before->rss_kb : 0;
    children_before_s_ = children_cpu_s();

    start_ns_ = now_ns();
    const unsigned count = worker_count(o_);
    for (unsigned i = 0; i < count; ++i) {
        const std::size_t share = o_.clients / count + (i < o_.clients % count ? 1 : 0);
        workers_.push_back(start_worker(o_, server_->port(), i, share));
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

    const auto idle = sample_process(server_->pid());
    if (!idle || !before) {
        throw std::runtime_error("the server exited while clients connected");
    }
    r_.server_rss_idle_kb = idle->rss_kb;
    r_.server_connect_cpu_s = idle->cpu_s - before->cpu_s;

    // What the server spends with nothing to deliver (pings, timers), so
    // that the fan-out's own CPU can be told apart at low rates.
    progress_line(o_, "measuring the idle server");
    std::this_thread::sleep_for(std::chrono::duration<double>(idle_window_s));
    const auto rested = sample_process(server_->pid());
    if (!rested) {
        throw std::runtime_error("the server exited while idle");
    }
    idle_ = *rested;
    r_.server_idle_cpu_per_s = (rested->cpu_s - idle->cpu_s) / idle_window_s;
}

void Run::publish()
{
    PublishPlan plan;
    plan.port = server_->port();
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

    if (const auto end = sample_process(server_->pid())) {
        r_.server_cpu_s = end->cpu_s - idle_.cpu_s;
    }
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
