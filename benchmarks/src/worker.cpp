// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-bench's only websocketpp translation unit: one worker process that
// holds a share of the clients on one epoll loop.
//
// The clients speak WebSocket through websocketpp's protocol processor
// (hybi13: the opening handshake, framing, masking and UTF-8 checks) and its
// HTTP response parser, without websocketpp's connection class and Asio
// transport. Those added more load-generator CPU per delivery than the
// server under test spent (a handler object and a bound function per read,
// and a speculative read that fails after every message), and the load
// generator shares the box's two cores with that server.

#include "bench.hpp"
#include "client_protocol.hpp"

#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core_client.hpp>
#include <websocketpp/processors/hybi13.hpp>
#include <websocketpp/uri.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

namespace bench {
namespace {

namespace ws = websocketpp;

constexpr std::int64_t tick_ns = 100'000'000;
constexpr int max_events = 512;

struct Config : ws::config::core_client {
    // One thread per worker process: no locks anywhere.
    using concurrency_type = ws::concurrency::none;
    using rng_type = ws::random::random_device::int_generator<std::uint32_t, concurrency_type>;
};

using Processor = ws::processor::hybi13<Config>;
using MessageManager = Config::con_msg_manager_type;
using MessagePtr = Config::message_type::ptr;
using Request = Config::request_type;
using Response = Config::response_type;

enum class Phase { connecting, waiting, finished };

enum class ClientState { idle, connecting, handshake, open, subscribed, gone };

// One client's socket and protocol state. The handshake's request and
// response live only until the server has answered.
struct Client {
    int fd = -1;
    ClientState state = ClientState::idle;
    bool wants_write = false; // registered for EPOLLOUT
    std::unique_ptr<Processor> processor;
    std::unique_ptr<Request> request;
    std::unique_ptr<Response> response;
    std::string pending; // bytes the socket has not taken yet
};

class Worker final : public ClientEvents {
public:
    explicit Worker(const WorkerSpec& spec)
        : spec_(spec), protocol_(spec.target), manager_(std::make_shared<MessageManager>()),
          clients_(spec.clients)
    {
        result_.pub_last_ns.assign(spec.publications, 0);
        result_.pub_count.assign(spec.publications, 0);
        result_.latencies_ns.reserve(spec.clients * spec.publications);
    }

    ~Worker() override;

    int run();

    void send(const std::string& text) override;
    void subscribed() override;
    void delivered(std::uint32_t index, std::int64_t sent_ns) override;
    void refused() override;

private:
    bool setup();
    void loop();
    void launch_more();
    void launch(std::size_t slot);
    bool open_socket(Client& client);
    void on_event(std::size_t slot, std::uint32_t events);
    void on_connected(std::size_t slot);
    void on_readable(std::size_t slot);
    std::size_t on_handshake(std::size_t slot, const char* data, std::size_t size);
    void on_frames(std::size_t slot, char* data, std::size_t size);
    void on_message(std::size_t slot, const MessagePtr& message);
    void write(std::size_t slot, const std::string& header, const std::string& payload);
    void flush(std::size_t slot);
    void watch(std::size_t slot, bool write);
    void settle(std::size_t slot, ClientState state);
    void on_tick();
    void give_up_opening();
    bool stop_requested();
    void report(char kind);
    void finish();
    void reset_all();

    const WorkerSpec spec_;
    const ClientProtocol protocol_;
    Config::rng_type rng_;
    std::shared_ptr<MessageManager> manager_;
    ws::uri_ptr uri_;
    sockaddr_in source_{};
    sockaddr_in server_{};
    int epoll_ = -1;
    std::vector<Client> clients_;
    std::vector<char> buffer_ = std::vector<char>(64 * 1024);
    WorkerResult result_;
    Phase phase_ = Phase::connecting;
    std::size_t next_ = 0;      // next slot to launch
    std::size_t in_flight_ = 0; // launched, not yet subscribed or gone
    std::size_t current_ = 0;   // slot whose message is being handled
    std::int64_t deadline_ns_ = 0;
    std::int64_t next_tick_ns_ = 0;
    std::string reported_;
    std::string control_;
};

Worker::~Worker()
{
    reset_all();
    if (epoll_ >= 0) {
        ::close(epoll_);
    }
}

int Worker::run()
{
    if (setup()) {
        deadline_ns_ = now_ns() + static_cast<std::int64_t>(spec_.connect_timeout_s * 1e9);
        next_tick_ns_ = now_ns() + tick_ns;
        launch_more();
        loop();
    } else {
        result_.failed = spec_.clients;
    }
    return save(result_, spec_.result_path) ? 0 : 1;
}

bool Worker::setup()
{
    uri_ = std::make_shared<ws::uri>(protocol_.uri(spec_.port));
    source_.sin_family = AF_INET;
    server_.sin_family = AF_INET;
    server_.sin_port = htons(spec_.port);
    if (inet_pton(AF_INET, spec_.source_address.c_str(), &source_.sin_addr) != 1 ||
        inet_pton(AF_INET, "127.0.0.1", &server_.sin_addr) != 1) {
        return false;
    }
    fcntl(spec_.down_fd, F_SETFL, fcntl(spec_.down_fd, F_GETFL) | O_NONBLOCK);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    return epoll_ >= 0;
}

void Worker::loop()
{
    epoll_event events[max_events];
    while (phase_ != Phase::finished) {
        const std::int64_t wait_ns = std::max<std::int64_t>(next_tick_ns_ - now_ns(), 0);
        const int timeout_ms = static_cast<int>((wait_ns + 999'999) / 1'000'000);
        const int n = epoll_wait(epoll_, events, max_events, timeout_ms);
        for (int i = 0; i < n && phase_ != Phase::finished; ++i) {
            on_event(events[i].data.u64, events[i].events);
        }
        if (phase_ != Phase::finished && now_ns() >= next_tick_ns_) {
            next_tick_ns_ += tick_ns;
            on_tick();
        }
    }
}

void Worker::launch_more()
{
    while (in_flight_ < spec_.max_in_flight && next_ < spec_.clients) {
        launch(next_++);
    }
}

void Worker::launch(std::size_t slot)
{
    Client& client = clients_[slot];
    client.state = ClientState::connecting;
    ++in_flight_;
    if (!open_socket(client)) {
        settle(slot, ClientState::gone);
        return;
    }
    epoll_event event{};
    event.events = EPOLLOUT;
    event.data.u64 = slot;
    client.wants_write = true;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, client.fd, &event) != 0) {
        settle(slot, ClientState::gone);
    }
}

bool Worker::open_socket(Client& client)
{
    client.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (client.fd < 0) {
        return false;
    }

    // Linger 0 lets reset_all() end a run with resets instead of leaving
    // thousands of ports in TIME_WAIT for the next run.
    const linger reset{1, 0};
    const int one = 1;
    setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    setsockopt(client.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    // The port is picked at connect time, for the 4-tuple: bind(port 0)
    // would need a port free for every destination.
    setsockopt(client.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    const auto* source = reinterpret_cast<const sockaddr*>(&source_);
    if (::bind(client.fd, source, sizeof(source_)) != 0) {
        return false;
    }
    const auto* server = reinterpret_cast<const sockaddr*>(&server_);
    return ::connect(client.fd, server, sizeof(server_)) == 0 || errno == EINPROGRESS;
}

void Worker::on_event(std::size_t slot, std::uint32_t events)
{
    Client& client = clients_[slot];
    if (client.state == ClientState::gone) {
        return; // closed by an earlier event of the same wait
    }
    if (client.state == ClientState::connecting) {
        on_connected(slot);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        on_readable(slot);
    }
    if (client.state != ClientState::gone && (events & EPOLLOUT)) {
        flush(slot);
    }
}

void Worker::on_connected(std::size_t slot)
{
    Client& client = clients_[slot];
    int error = 0;
    socklen_t size = sizeof(error);
    if (getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
        settle(slot, ClientState::gone);
        return;
    }

    client.processor = std::make_unique<Processor>(false, false, manager_, rng_);
    client.request = std::make_unique<Request>();
    client.response = std::make_unique<Response>();
    if (client.processor->client_handshake_request(*client.request, uri_, {})) {
        settle(slot, ClientState::gone);
        return;
    }
    client.state = ClientState::handshake;
    write(slot, client.request->raw(), std::string());
}

void Worker::on_readable(std::size_t slot)
{
    Client& client = clients_[slot];
    const ssize_t n = ::recv(client.fd, buffer_.data(), buffer_.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        settle(slot, ClientState::gone);
        return;
    }

    std::size_t used = 0;
    const auto size = static_cast<std::size_t>(n);
    if (client.state == ClientState::handshake) {
        used = on_handshake(slot, buffer_.data(), size);
    }
    if (used < size && client.state != ClientState::gone) {
        on_frames(slot, buffer_.data() + used, size - used);
    }
}

// Returns how many bytes were the server's handshake answer; what follows
// them is the first frames.
std::size_t Worker::on_handshake(std::size_t slot, const char* data, std::size_t size)
{
    Client& client = clients_[slot];
    std::size_t used = 0;
    try {
        used = client.response->consume(data, size);
    } catch (const ws::http::exception&) {
        settle(slot, ClientState::gone);
        return size;
    }
    if (!client.response->headers_ready()) {
        return size;
    }
    if (client.processor->validate_server_handshake_response(*client.request, *client.response)) {
        settle(slot, ClientState::gone);
        return size;
    }

    client.request.reset();
    client.response.reset();
    client.state = ClientState::open;
    current_ = slot;
    protocol_.on_open(*this);
    return used;
}

void Worker::on_frames(std::size_t slot, char* data, std::size_t size)
{
    auto* bytes = reinterpret_cast<std::uint8_t*>(data);
    std::size_t used = 0;
    while (used < size) {
        std::error_code ec;
        used += clients_[slot].processor->consume(bytes + used, size - used, ec);
        if (ec) {
            settle(slot, ClientState::gone);
            return;
        }
        if (!clients_[slot].processor->ready()) {
            continue;
        }

        on_message(slot, clients_[slot].processor->get_message());
        if (clients_[slot].state == ClientState::gone) {
            return;
        }
    }
}

void Worker::on_message(std::size_t slot, const MessagePtr& message)
{
    namespace opcode = ws::frame::opcode;
    switch (message->get_opcode()) {
    case opcode::text:
    case opcode::binary:
        current_ = slot;
        protocol_.on_message(message->get_payload(), *this);
        break;
    case opcode::ping: {
        MessagePtr pong = manager_->get_message();
        if (!clients_[slot].processor->prepare_pong(message->get_payload(), pong)) {
            write(slot, pong->get_header(), pong->get_payload());
        }
        break;
    }
    case opcode::close:
        settle(slot, ClientState::gone);
        break;
    default:
        break;
    }
}

void Worker::send(const std::string& text)
{
    const ClientState state = clients_[current_].state;
    if (state != ClientState::open && state != ClientState::subscribed) {
        return;
    }
    MessagePtr message = manager_->get_message(ws::frame::opcode::text, text.size());
    message->set_payload(text);
    MessagePtr frame = manager_->get_message();
    if (!clients_[current_].processor->prepare_data_frame(message, frame)) {
        write(current_, frame->get_header(), frame->get_payload());
    }
}

void Worker::write(std::size_t slot, const std::string& header, const std::string& payload)
{
    Client& client = clients_[slot];
    client.pending += header;
    client.pending += payload;
    flush(slot);
}

// A failed send is left to the next read, which sees the reset or the end
// of the stream and settles the client; settling here could free the
// processor a caller is still inside.
void Worker::flush(std::size_t slot)
{
    Client& client = clients_[slot];
    while (!client.pending.empty()) {
        const ssize_t n =
            ::send(client.fd, client.pending.data(), client.pending.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        client.pending.erase(0, static_cast<std::size_t>(n));
    }
    watch(slot, !client.pending.empty() && errno == EAGAIN);
}

void Worker::watch(std::size_t slot, bool write)
{
    Client& client = clients_[slot];
    if (client.wants_write == write) {
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    event.data.u64 = slot;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, client.fd, &event);
    client.wants_write = write;
}

void Worker::subscribed()
{
    if (clients_[current_].state != ClientState::open) {
        return;
    }
    ++result_.subscribed;
    result_.last_subscribed_ns = now_ns();
    settle(current_, ClientState::subscribed);
}

void Worker::refused()
{
    settle(current_, ClientState::gone);
}

void Worker::delivered(std::uint32_t index, std::int64_t sent_ns)
{
    if (index >= spec_.publications) {
        return;
    }
    const std::int64_t latency = now_ns() - sent_ns;
    result_.latencies_ns.push_back(latency);
    result_.pub_last_ns[index] = std::max(result_.pub_last_ns[index], latency);
    ++result_.pub_count[index];
    ++result_.received;
    if (result_.received == result_.subscribed * spec_.publications && phase_ == Phase::waiting) {
        finish();
    }
}

void Worker::settle(std::size_t slot, ClientState state)
{
    Client& client = clients_[slot];
    const ClientState before = client.state;
    if (before == ClientState::gone) {
        return;
    }
    client.state = state;
    const bool opening = before == ClientState::connecting ||
                         before == ClientState::handshake || before == ClientState::open;
    if (opening) {
        --in_flight_;
        if (state == ClientState::gone) {
            ++result_.failed;
        }
    } else if (before == ClientState::subscribed && state == ClientState::gone) {
        ++result_.dropped;
    }
    if (state == ClientState::gone) {
        // The descriptor leaves the epoll set when it is closed.
        ::close(client.fd);
        client = Client{};
        client.state = ClientState::gone;
    }
    if (phase_ == Phase::connecting) {
        launch_more();
    }
}

void Worker::on_tick()
{
    if (phase_ == Phase::connecting) {
        const bool all_settled = next_ == spec_.clients && in_flight_ == 0;
        if (all_settled || now_ns() > deadline_ns_) {
            phase_ = Phase::waiting;
            give_up_opening();
            result_.cpu_ready_ns = self_cpu_ns();
            report('R');
        } else {
            report('P');
        }
    }
    if (phase_ == Phase::waiting && stop_requested()) {
        finish();
    }
}

// Clients still opening at the connect deadline count as failed, and so do
// those never launched.
void Worker::give_up_opening()
{
    for (std::size_t slot = 0; slot < next_; ++slot) {
        const ClientState state = clients_[slot].state;
        if (state != ClientState::subscribed && state != ClientState::gone) {
            settle(slot, ClientState::gone);
        }
    }
    result_.failed += spec_.clients - next_;
    next_ = spec_.clients;
}

bool Worker::stop_requested()
{
    char buf[64];
    const ssize_t n = ::read(spec_.down_fd, buf, sizeof(buf));
    if (n == 0) {
        return true; // the coordinator is gone
    }
    if (n > 0) {
        control_.append(buf, static_cast<std::size_t>(n));
    }
    return control_.find("STOP\n") != std::string::npos;
}

void Worker::report(char kind)
{
    const std::string line = std::string(1, kind) + ' ' + std::to_string(result_.subscribed) + ' ' +
                             std::to_string(result_.failed) + '\n';
    if (line == reported_) {
        return;
    }
    reported_ = line;
    const ssize_t ignored = ::write(spec_.up_fd, line.data(), line.size());
    static_cast<void>(ignored);
}

void Worker::finish()
{
    phase_ = Phase::finished;
    result_.cpu_done_ns = self_cpu_ns();
    reset_all();
}

// Every socket has linger 0, so closing it resets the connection.
void Worker::reset_all()
{
    for (Client& client : clients_) {
        if (client.fd >= 0) {
            ::close(client.fd);
            client.fd = -1;
        }
    }
}

} // namespace

int run_worker(const WorkerSpec& spec)
{
    auto worker = std::make_unique<Worker>(spec);
    const int status = worker->run();
    const ssize_t ignored = ::write(spec.up_fd, "D\n", 2);
    static_cast<void>(ignored);
    return status;
}

} // namespace bench
