// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-bench: publish-to-device latency of herald and its peers (ws,
// Socket.IO) with N clients on this machine. Run with --help.

#include "process.hpp"
#include "run.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using bench::RunOptions;
using bench::Target;

constexpr int exit_incomplete = 1;
constexpr int exit_usage = 2;
constexpr int exit_skipped = 77; // ctest's SKIP_RETURN_CODE

constexpr const char* usage =
    "usage: herald-bench [options]\n"
    "  --targets LIST          herald,ws,socketio,herald-redis1,herald-redis\n"
    "                          (default herald); herald-redis1: one node on a\n"
    "                          redis-server of its own; herald-redis: two nodes on\n"
    "                          it, clients on one and the publisher on the other\n"
    "  --clients LIST          client counts, e.g. 1000,10000 (default 1000)\n"
    "  --publications M        publications per run (default 100)\n"
    "  --size S                bytes of each publication's data (default 500)\n"
    "  --rate R                publications per second (default 10)\n"
    "  --compare               herald,ws,socketio at 1000,5000,10000,19000 clients,\n"
    "                          with --offered-load 10000\n"
    "  --offered-load D        offer at most D deliveries per second: R at most\n"
    "                          D/N, M at most 30 s of R (but at least 20)\n"
    "  --workers W             client processes (default: one per 5000 clients,\n"
    "                          at least one per core)\n"
    "  --in-flight K           handshakes under way per worker (default 256)\n"
    "  --connect-timeout SEC   to connect and subscribe all (default 120)\n"
    "  --drain-timeout SEC     after the last publication (default 10)\n"
    "  --server-threads T      herald's I/O threads (default: one per core)\n"
    "  --server-fanout-threads T\n"
    "                          herald's fan-out threads (default: one per core)\n"
    "  --server-batch-writes B 1: io_uring batches when built in (default), 0: plain send\n"
    "  --server-queue-max-bytes N\n"
    "                          herald's per-client queue limit (default: the hub's)\n"
    "  --server-fanout-queue-max-bytes N\n"
    "                          herald's fan-out queue limit, 0: none (default: the hub's)\n"
    "  --server-ping-interval SEC\n"
    "                          herald's ping interval, 0: none (default: the hub's)\n"
    "  --server-bin PATH       herald-bench-server (default: next to herald-bench)\n"
    "  --node PATH             Node.js for the peers (default: " HERALD_BENCH_NODE
    ")\n"
    "  --peers-dir DIR         the peers' folder (default: " HERALD_BENCH_PEERS_DIR
    ")\n"
    "  --redis-server PATH     for the herald-redis targets (default: " HERALD_BENCH_REDIS_SERVER
    ")\n"
    "  --skip-missing-peers    skip (exit 77 if nothing ran) peers without node_modules\n"
    "  --skip-missing-redis    skip (exit 77 if nothing ran) the herald-redis targets\n"
    "                          without redis-server or a herald built with Redis\n"
    "  --json FILE             write the reports as JSON ('-': stdout)\n"
    "  --no-progress           no progress line on stderr\n"
    "Exits 0 when every run delivered every publication to every client.\n";

struct Args {
    RunOptions run;
    std::vector<Target> targets{Target::herald};
    std::vector<std::size_t> clients{1000};
    bool skip_missing_peers = false;
    bool skip_missing_redis = false;
    double offered_load = 0; // deliveries per second; 0: R as given
    std::string json_path;
};

// Seconds of publications a run under --offered-load lasts, and the
// fewest publications it makes.
constexpr double offered_span_s = 30;
constexpr std::size_t offered_min_publications = 20;

template <class Number>
Number number(std::string_view flag, std::string_view text)
{
    Number value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        throw std::invalid_argument(fmt::format("{}: not a number: {}", flag, text));
    }
    return value;
}

std::vector<std::string_view> split(std::string_view list)
{
    std::vector<std::string_view> out;
    while (!list.empty()) {
        const auto end = std::min(list.find(','), list.size());
        out.push_back(list.substr(0, end));
        list.remove_prefix(std::min(end + 1, list.size()));
    }
    return out;
}

std::vector<Target> targets(std::string_view list)
{
    std::vector<Target> out;
    for (auto name : split(list)) {
        const auto target = bench::parse_target(name);
        if (!target) {
            throw std::invalid_argument(fmt::format("--targets: unknown target: {}", name));
        }
        out.push_back(*target);
    }
    return out;
}

std::vector<std::size_t> counts(std::string_view list)
{
    std::vector<std::size_t> out;
    for (auto item : split(list)) {
        out.push_back(number<std::size_t>("--clients", item));
    }
    return out;
}

// Flags without a value; true when `flag` was one of them.
bool apply_switch(Args& a, std::string_view flag)
{
    if (flag == "--compare") {
        a.targets = {Target::herald, Target::ws, Target::socketio};
        a.clients = {1000, 5000, 10000, 19000};
        a.offered_load = 10000;
    } else if (flag == "--skip-missing-peers") {
        a.skip_missing_peers = true;
    } else if (flag == "--skip-missing-redis") {
        a.skip_missing_redis = true;
    } else if (flag == "--no-progress") {
        a.run.progress = false;
    } else {
        return false;
    }
    return true;
}

void apply_flag(Args& a, std::string_view flag, std::string_view value)
{
    RunOptions& r = a.run;
    if (flag == "--targets") {
        a.targets = targets(value);
    } else if (flag == "--clients") {
        a.clients = counts(value);
    } else if (flag == "--publications") {
        r.publications = number<std::size_t>(flag, value);
    } else if (flag == "--size") {
        r.size = number<std::size_t>(flag, value);
    } else if (flag == "--rate") {
        r.rate = number<double>(flag, value);
    } else if (flag == "--workers") {
        r.workers = number<unsigned>(flag, value);
    } else if (flag == "--in-flight") {
        r.max_in_flight = number<std::size_t>(flag, value);
    } else if (flag == "--connect-timeout") {
        r.connect_timeout_s = number<double>(flag, value);
    } else if (flag == "--drain-timeout") {
        r.drain_timeout_s = number<double>(flag, value);
    } else if (flag == "--server-threads") {
        r.server_threads = number<unsigned>(flag, value);
    } else if (flag == "--server-fanout-threads") {
        r.server_fanout_threads = number<unsigned>(flag, value);
    } else if (flag == "--server-ping-interval") {
        r.server_ping_interval = number<long>(flag, value);
    } else if (flag == "--server-queue-max-bytes") {
        r.server_queue_max_bytes = number<std::size_t>(flag, value);
    } else if (flag == "--server-fanout-queue-max-bytes") {
        r.server_fanout_queue_max_bytes = number<long>(flag, value);
    } else if (flag == "--server-batch-writes") {
        r.server_batch_writes = number<unsigned>(flag, value) != 0;
    } else if (flag == "--server-bin") {
        r.server_bin = value;
    } else if (flag == "--node") {
        r.node = value;
    } else if (flag == "--redis-server") {
        r.redis_server = value;
    } else if (flag == "--peers-dir") {
        r.peers_dir = value;
    } else if (flag == "--offered-load") {
        a.offered_load = number<double>(flag, value);
    } else if (flag == "--json") {
        a.json_path = value;
    } else {
        throw std::invalid_argument(fmt::format("unknown flag: {}", flag));
    }
}

// herald-bench-server is built next to this binary.
std::string sibling(const std::string& name)
{
    char path[4096] = {};
    const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    std::string self = n > 0 ? std::string(path, static_cast<std::size_t>(n)) : "";
    const auto slash = self.rfind('/');
    return slash == std::string::npos ? name : self.substr(0, slash + 1) + name;
}

Args parse(int argc, char** argv)
{
    Args a;
    a.run.server_bin = sibling("herald-bench-server");
    a.run.node = HERALD_BENCH_NODE;
    a.run.peers_dir = HERALD_BENCH_PEERS_DIR;
    a.run.redis_server = HERALD_BENCH_REDIS_SERVER;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (apply_switch(a, flag)) {
            continue;
        }
        if (i + 1 == argc) {
            throw std::invalid_argument(fmt::format("{}: missing value", flag));
        }
        apply_flag(a, flag, argv[++i]);
    }
    if (a.run.rate <= 0 || a.run.publications == 0) {
        throw std::invalid_argument("--rate and --publications must be above 0");
    }
    return a;
}

bool peers_installed(const std::string& dir)
{
    struct stat st {};

    return stat((dir + "/node_modules").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Why `target` cannot run here and the flags say to skip it; empty when
// it runs.
std::string skip_reason(const Args& a, Target target)
{
    const auto& r = a.run;
    if (target == Target::ws || target == Target::socketio) {
        const bool missing = a.skip_missing_peers && !peers_installed(r.peers_dir);
        return missing ? fmt::format("no {}/node_modules", r.peers_dir) : "";
    }
    if (!bench::uses_redis(target) || !a.skip_missing_redis) {
        return "";
    }
    if (!HERALD_BENCH_WITH_REDIS) {
        return "herald was built without herald::redis (HERALD_WITH_REDIS)";
    }
    if (!bench::executable_found(r.redis_server)) {
        return fmt::format("no {}", r.redis_server);
    }
    return "";
}

void write_json(const std::string& path, const nlohmann::json& out)
{
    if (path == "-") {
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }
    std::ofstream file(path);
    file << out.dump(2) << '\n';
    if (!file) {
        throw std::runtime_error("cannot write " + path);
    }
}

// Past about 10,000 deliveries per second every server here saturates the
// two cores, and latency then measures the backlog, not the fan-out.
RunOptions run_options(const Args& a, Target target, std::size_t clients)
{
    RunOptions options = a.run;
    options.target = target;
    options.clients = clients;
    if (a.offered_load > 0 && clients > 0) {
        options.rate = std::min(options.rate, a.offered_load / static_cast<double>(clients));
        const auto span = static_cast<std::size_t>(options.rate * offered_span_s + 0.5);
        options.publications =
            std::min(options.publications, std::max(offered_min_publications, span));
    }
    return options;
}

int run(const Args& a)
{
    std::vector<bench::RunReport> reports;
    nlohmann::json out = nlohmann::json::array();
    bool skipped = false;
    for (std::size_t clients : a.clients) {
        for (Target target : a.targets) {
            const std::string reason = skip_reason(a, target);
            if (!reason.empty()) {
                std::fprintf(stderr, "herald-bench: %s skipped: %s\n",
                             std::string(bench::to_string(target)).c_str(), reason.c_str());
                skipped = true;
                continue;
            }
            RunOptions options = run_options(a, target, clients);
            reports.push_back(bench::run_once(options));
            out.push_back(bench::to_json(reports.back()));
        }
    }

    if (!a.json_path.empty()) {
        write_json(a.json_path, out);
    }
    std::fputs(bench::to_table(reports).c_str(), a.json_path == "-" ? stderr : stdout);
    if (reports.empty()) {
        return skipped ? exit_skipped : exit_incomplete;
    }
    for (const auto& r : reports) {
        if (!r.complete()) {
            return exit_incomplete;
        }
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // A worker or a server that exits early must not kill us through a
    // write to its pipe or socket.
    signal(SIGPIPE, SIG_IGN);
    if (argc == 2 && std::string_view(argv[1]) == "--help") {
        std::fputs(usage, stdout);
        return 0;
    }
    try {
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "herald-bench: %s\n%s", e.what(), usage);
        return exit_usage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "herald-bench: %s\n", e.what());
        return exit_incomplete;
    }
}
