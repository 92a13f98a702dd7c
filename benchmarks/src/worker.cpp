// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald-bench's only websocketpp translation unit: one worker process that
// holds a share of the clients on one event loop.

#include "bench.hpp"
#include "client_protocol.hpp"

#include <websocketpp/client.hpp>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>
#include <websocketpp/logger/stub.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {
namespace {

namespace ws = websocketpp;

constexpr auto tick = std::chrono::milliseconds(100);

// Connects from a chosen 127.0.0.x. websocketpp's own async_connect goes
// through asio::async_connect, which reopens the socket and so loses any
// bind made in a socket-init handler; this one binds, then connects.
template <class Cfg>
class BoundTransport : public ws::transport::asio::endpoint<Cfg> {
public:
    using base = ws::transport::asio::endpoint<Cfg>;
    using transport_con_ptr = typename base::transport_con_ptr;

    void set_source(asio::ip::address source) { source_ = source; }

    void set_port(std::uint16_t port) { port_ = port; }

    // Hides the base's: websocketpp's client calls it by qualified name.
    void async_connect(transport_con_ptr tcon, ws::uri_ptr u, ws::transport::connect_handler cb)
    {
        tcon->set_uri(u);
        auto& socket = tcon->get_raw_socket();
        std::error_code ec;
        socket.open(asio::ip::tcp::v4(), ec);

        // Linger 0 lets reset_all() end a run with resets instead of leaving
        // thousands of ports in TIME_WAIT for the next run.
        socket.set_option(asio::socket_base::linger(true, 0), ec);
        socket.set_option(asio::ip::tcp::no_delay(true), ec);

        // The port is picked at connect time, for the 4-tuple: bind(port 0)
        // would need a port free for every destination.
        const int one = 1;
        setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
        socket.bind(asio::ip::tcp::endpoint(source_, 0), ec);
        if (ec) {
            cb(ec);
            return;
        }
        const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
        socket.async_connect(server, [cb](const std::error_code& result) { cb(result); });
    }

private:
    asio::ip::address source_ = asio::ip::make_address("127.0.0.1");
    std::uint16_t port_ = 0;
};

// The slot of a client in the worker's table rides on its connection.
struct ClientSlot {
    std::size_t slot = 0;
};

struct Config : ws::config::asio_client {
    using type = Config;
    using base = ws::config::asio_client;

    // One thread per worker process: no locks anywhere.
    using concurrency_type = ws::concurrency::none;
    using request_type = base::request_type;
    using response_type = base::response_type;
    using message_type = base::message_type;
    using con_msg_manager_type = base::con_msg_manager_type;
    using endpoint_msg_manager_type = base::endpoint_msg_manager_type;
    using alog_type = ws::log::stub;
    using elog_type = ws::log::stub;
    using rng_type = ws::random::random_device::int_generator<std::uint32_t, concurrency_type>;
    using connection_base = ClientSlot;

    struct transport_config : base::transport_config {
        using concurrency_type = type::concurrency_type;
        using alog_type = type::alog_type;
        using elog_type = type::elog_type;
        using request_type = type::request_type;
        using response_type = type::response_type;
        using socket_type = ws::transport::asio::basic_socket::endpoint;
        static const bool enable_multithreading = false;
    };

    using transport_type = BoundTransport<transport_config>;

    static const bool enable_multithreading = false;

    // Thousands of handshakes start together on a loaded box.
    static const long timeout_open_handshake = 60000;

    static const ws::log::level alog_level = ws::log::alevel::none;
    static const ws::log::level elog_level = ws::log::elevel::none;
};

using Client = ws::client<Config>;
using ConnectionPtr = Client::connection_ptr;

enum class Phase { connecting, waiting, finished };

enum class ClientState { idle, opening, subscribed, gone };

class Worker final : public ClientEvents {
public:
    explicit Worker(const WorkerSpec& spec)
        : spec_(spec), protocol_(spec.target), timer_(io_), states_(spec.clients)
    {
        result_.pub_last_ns.assign(spec.publications, 0);
        result_.pub_count.assign(spec.publications, 0);
        result_.latencies_ns.reserve(spec.clients * spec.publications);
        cons_.resize(spec.clients);
    }

    int run();

    void send(const std::string& text) override;
    void subscribed() override;
    void delivered(std::uint32_t index, std::int64_t sent_ns) override;
    void refused() override;

private:
    void setup();
    void launch_more();
    void launch(std::size_t slot);
    void on_open(ws::connection_hdl hdl);
    void on_message(ws::connection_hdl hdl, const Client::message_ptr& message);
    void on_gone(ws::connection_hdl hdl);
    void settle(std::size_t slot, ClientState state);
    void on_tick();
    bool stop_requested();
    void report(char kind);
    void finish();
    void reset_all();

    const WorkerSpec spec_;
    const ClientProtocol protocol_;
    asio::io_context io_;
    Client client_;
    asio::steady_timer timer_;
    std::vector<ClientState> states_;
    std::vector<ConnectionPtr> cons_;
    WorkerResult result_;
    Phase phase_ = Phase::connecting;
    std::size_t next_ = 0;      // next slot to launch
    std::size_t in_flight_ = 0; // launched, not yet subscribed or gone
    std::size_t current_ = 0;   // slot whose handler is running
    std::int64_t deadline_ns_ = 0;
    std::string reported_;
    std::string control_;
};

int Worker::run()
{
    setup();
    deadline_ns_ = now_ns() + static_cast<std::int64_t>(spec_.connect_timeout_s * 1e9);
    launch_more();
    timer_.expires_after(tick);
    timer_.async_wait([this](const std::error_code& ec) {
        if (!ec) {
            on_tick();
        }
    });
    io_.run();
    return save(result_, spec_.result_path) ? 0 : 1;
}

void Worker::setup()
{
    std::error_code ec;
    client_.init_asio(&io_, ec);
    client_.set_source(asio::ip::make_address(spec_.source_address));
    client_.set_port(spec_.port);

    using std::placeholders::_1;
    using std::placeholders::_2;
    client_.set_open_handler(std::bind(&Worker::on_open, this, _1));
    client_.set_message_handler(std::bind(&Worker::on_message, this, _1, _2));
    client_.set_fail_handler(std::bind(&Worker::on_gone, this, _1));
    client_.set_close_handler(std::bind(&Worker::on_gone, this, _1));
    fcntl(spec_.down_fd, F_SETFL, fcntl(spec_.down_fd, F_GETFL) | O_NONBLOCK);
}

void Worker::launch_more()
{
    while (in_flight_ < spec_.max_in_flight && next_ < spec_.clients) {
        launch(next_++);
    }
}

void Worker::launch(std::size_t slot)
{
    std::error_code ec;
    ConnectionPtr con = client_.get_connection(protocol_.uri(spec_.port), ec);
    if (ec) {
        settle(slot, ClientState::gone);
        return;
    }
    con->slot = slot;
    cons_[slot] = con;
    states_[slot] = ClientState::opening;
    ++in_flight_;
    client_.connect(con);
}

void Worker::on_open(ws::connection_hdl hdl)
{
    current_ = client_.get_con_from_hdl(hdl)->slot;
    protocol_.on_open(*this);
}

void Worker::on_message(ws::connection_hdl hdl, const Client::message_ptr& message)
{
    current_ = client_.get_con_from_hdl(hdl)->slot;
    protocol_.on_message(message->get_payload(), *this);
}

void Worker::on_gone(ws::connection_hdl hdl)
{
    const std::size_t slot = client_.get_con_from_hdl(hdl)->slot;
    if (states_[slot] == ClientState::subscribed) {
        ++result_.dropped;
    }
    settle(slot, ClientState::gone);
}

void Worker::send(const std::string& text)
{
    // A connection already closing refuses the send; nothing to do then.
    const std::error_code ignored = cons_[current_]->send(text, ws::frame::opcode::text);
    static_cast<void>(ignored);
}

void Worker::subscribed()
{
    if (states_[current_] != ClientState::opening) {
        return;
    }
    ++result_.subscribed;
    result_.last_subscribed_ns = now_ns();
    settle(current_, ClientState::subscribed);
}

void Worker::refused()
{
    std::error_code ignored;
    cons_[current_]->close(ws::close::status::normal, "refused", ignored);
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
    const ClientState before = states_[slot];
    states_[slot] = state;
    if (before == ClientState::opening) {
        --in_flight_;
        if (state == ClientState::gone) {
            ++result_.failed;
        }
    } else if (before == ClientState::idle) {
        ++result_.failed;
    }
    if (state == ClientState::gone) {
        cons_[slot].reset();
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
            // Clients still opening at the deadline count as failed.
            result_.failed += in_flight_ + (spec_.clients - next_);
            in_flight_ = 0;
            next_ = spec_.clients;
            phase_ = Phase::waiting;
            result_.cpu_ready_ns = self_cpu_ns();
            report('R');
        } else {
            report('P');
        }
    }
    if (phase_ == Phase::waiting && stop_requested()) {
        finish();
    }
    if (phase_ == Phase::finished) {
        return;
    }
    timer_.expires_after(tick);
    timer_.async_wait([this](const std::error_code& ec) {
        if (!ec) {
            on_tick();
        }
    });
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
    timer_.cancel();
    io_.stop();
    reset_all();
}

void Worker::reset_all()
{
    // asio turns linger off when it destroys a socket, which would close
    // gracefully; closing the descriptor ourselves keeps linger 0 (a reset).
    for (auto& con : cons_) {
        if (con) {
            std::error_code ignored;
            const int fd = con->get_raw_socket().release(ignored);
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
}

} // namespace

int run_worker(const WorkerSpec& spec)
{
    Worker worker(spec);
    const int status = worker.run();
    const ssize_t ignored = ::write(spec.up_fd, "D\n", 2);
    static_cast<void>(ignored);
    return status;
}

} // namespace bench
