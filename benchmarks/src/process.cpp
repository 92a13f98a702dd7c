// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "process.hpp"

#include "bench.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

constexpr double stop_grace_s = 5.0;

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out_fd)
{
    // Each server needs a descriptor per client and the soft limit is
    // often lower than the hard one.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    dup2(out_fd, STDOUT_FILENO);

    std::vector<char*> args;
    for (const auto& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
}

// Reads the child's stdout until a whole line holding `marker`; returns
// what follows the marker on that line, or fails.
std::string read_until(int fd, const std::string& marker, double timeout_s)
{
    std::string text;
    const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
    while (now_ns() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) {
            continue;
        }
        char buf[256];
        const ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) {
            break;
        }
        text.append(buf, static_cast<std::size_t>(n));
        const auto at = text.find(marker);
        const auto end = text.find('\n', at);
        if (at != std::string::npos && end != std::string::npos) {
            return text.substr(at + marker.size(), end - at - marker.size());
        }
    }
    throw std::runtime_error("server did not print \"" + marker + "\"");
}

std::uint64_t status_kb(const std::string& status, const std::string& key)
{
    const auto at = status.find(key + ":");
    if (at == std::string::npos) {
        return 0;
    }
    return std::stoull(status.substr(at + key.size() + 1));
}

} // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& argv, double timeout_s)
{
    spawn(argv);
    try {
        port_ = static_cast<std::uint16_t>(
            std::stoul(read_until(stdout_fd_, "LISTENING ", timeout_s)));
    } catch (...) {
        stop();
        throw;
    }
}

ServerProcess::ServerProcess(const std::vector<std::string>& argv,
                             std::uint16_t port,
                             const std::string& ready,
                             double timeout_s)
    : port_(port)
{
    spawn(argv);
    try {
        read_until(stdout_fd_, ready, timeout_s);
    } catch (...) {
        stop();
        throw;
    }
}

void ServerProcess::spawn(const std::vector<std::string>& argv)
{
    int fds[2];
    if (pipe(fds) != 0) {
        throw std::runtime_error("pipe failed");
    }
    pid_ = fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        close(fds[0]);
        exec_child(argv, fds[1]);
    }
    close(fds[1]);
    stdout_fd_ = fds[0];
}

ServerProcess::~ServerProcess()
{
    stop();
}

void ServerProcess::stop()
{
    if (pid_ > 0) {
        int status = 0;
        kill(pid_, SIGTERM);
        if (!wait_exit(pid_, stop_grace_s, status)) {
            kill(pid_, SIGKILL);
            wait_exit(pid_, stop_grace_s, status);
        }
        pid_ = -1;
    }
    if (stdout_fd_ >= 0) {
        close(stdout_fd_);
        stdout_fd_ = -1;
    }
}

std::optional<ProcSample> sample_process(pid_t pid)
{
    const std::string dir = "/proc/" + std::to_string(pid);
    std::ifstream stat(dir + "/stat");
    std::string line;
    if (!std::getline(stat, line)) {
        return std::nullopt;
    }

    // Fields after the command name, which may hold spaces: state is the
    // 3rd field, utime the 14th and stime the 15th.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) {
        fields >> skip;
    }
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    fields >> utime >> stime;

    std::ifstream status_file(dir + "/status");
    std::stringstream status;
    status << status_file.rdbuf();

    ProcSample out;
    out.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    out.rss_kb = status_kb(status.str(), "VmRSS");
    out.hwm_kb = status_kb(status.str(), "VmHWM");
    return out;
}

std::uint16_t free_loopback_port()
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(addr);
    const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), size) == 0 &&
                    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0;
    if (fd >= 0) {
        close(fd);
    }
    if (!ok) {
        throw std::runtime_error("no free port on 127.0.0.1");
    }
    return ntohs(addr.sin_port);
}

bool executable_found(const std::string& program)
{
    if (program.find('/') != std::string::npos) {
        return access(program.c_str(), X_OK) == 0;
    }
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) {
            return true;
        }
    }
    return false;
}

double children_cpu_s()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    const auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

bool wait_exit(pid_t pid, double timeout_s, int& status)
{
    const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno == ECHILD)) {
            return true;
        }
        if (now_ns() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace bench
