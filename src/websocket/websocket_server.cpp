// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// herald's only websocketpp translation unit: the WebSocket transport and
// the HTTP endpoints (server API, host handler) on one port.

#include <herald/hub.hpp>
#include <herald/log.hpp>
#include <herald/server_api.hpp>
#include <herald/session.hpp>
#include <herald/transport.hpp>
#include <herald/version.hpp>
#include <herald/websocket.hpp>

#include "direct_write.hpp"

#include <fmt/format.h>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

namespace herald {
namespace {

namespace ws = websocketpp;

constexpr std::string_view log_component = "transport.ws";
constexpr std::string_view json_subprotocol = "centrifuge-json";
constexpr std::size_t max_http_body_size = 1024 * 1024;
constexpr long close_handshake_timeout_ms = 1500;
constexpr auto stop_drain_timeout = std::chrono::seconds(2);
constexpr auto accept_retry_delay = std::chrono::milliseconds(100);

// websocketpp's access log reports every handshake and frame; herald has its
// own view of connections, so this policy drops everything at compile time.
class AccessLog {
public:
    explicit AccessLog(ws::log::channel_type_hint::value = ws::log::channel_type_hint::access) {}
    AccessLog(ws::log::level, ws::log::channel_type_hint::value) {}

    void set_channels(ws::log::level) {}
    void clear_channels(ws::log::level) {}
    void write(ws::log::level, const std::string&) {}
    void write(ws::log::level, const char*) {}
    constexpr bool static_test(ws::log::level) const { return false; }
    bool dynamic_test(ws::log::level) const { return false; }
};

// Forwards websocketpp's error log to the hub's Logger. The endpoint builds
// this object itself, so the Logger is attached right after construction.
class ErrorLog {
public:
    explicit ErrorLog(ws::log::channel_type_hint::value = ws::log::channel_type_hint::error) {}
    ErrorLog(ws::log::level, ws::log::channel_type_hint::value) {}

    void attach(const Logger* logger) noexcept { logger_.store(logger); }

    // The hub's log level decides; websocketpp's channel masks are ignored.
    void set_channels(ws::log::level) {}
    void clear_channels(ws::log::level) {}

    void write(ws::log::level channel, const std::string& message) const
    {
        forward(channel, message);
    }

    void write(ws::log::level channel, const char* message) const
    {
        forward(channel, message);
    }

    // Developer traces cost a string build each; never worth it.
    constexpr bool static_test(ws::log::level channel) const
    {
        return channel != ws::log::elevel::devel;
    }

    bool dynamic_test(ws::log::level channel) const
    {
        const Logger* logger = logger_.load();
        return logger != nullptr && logger->enabled(level_of(channel));
    }

private:
    // websocketpp's errors describe one peer: a socket reset, a write to a
    // client that vanished, a malformed frame. Thousands of clients make
    // them routine, and even "fatal" ones end only that connection.
    static LogLevel level_of(ws::log::level channel) noexcept
    {
        return channel == ws::log::elevel::devel ? LogLevel::trace : LogLevel::debug;
    }

    void forward(ws::log::level channel, std::string_view message) const
    {
        const Logger* logger = logger_.load();
        if (logger != nullptr) {
            logger->log(level_of(channel), log_component, message);
        }
    }

    std::atomic<const Logger*> logger_{nullptr};
};

// websocketpp derives each connection from this type: the session rides on
// the connection object, so no lookup table is needed per message.
struct ConnectionState {
    std::shared_ptr<Session> session;
};

struct Config : ws::config::asio {
    using type = Config;
    using base = ws::config::asio;

    using concurrency_type = base::concurrency_type;
    using request_type = base::request_type;
    using response_type = base::response_type;
    using message_type = base::message_type;
    using con_msg_manager_type = base::con_msg_manager_type;
    using endpoint_msg_manager_type = base::endpoint_msg_manager_type;
    using alog_type = AccessLog;
    using elog_type = ErrorLog;
    using rng_type = base::rng_type;
    using connection_base = ConnectionState;

    struct transport_config : base::transport_config {
        using concurrency_type = type::concurrency_type;
        using alog_type = type::alog_type;
        using elog_type = type::elog_type;
        using request_type = type::request_type;
        using response_type = type::response_type;
        using socket_type = ws::transport::asio::basic_socket::endpoint;
    };
    using transport_type = detail::DirectWriteEndpoint<transport_config>;

    static const bool enable_multithreading = true;

    // The read buffer is an array inside every connection object: at 20,000
    // connections 16 KiB (the default) would be 320 MiB of mostly idle RAM.
    static const std::size_t connection_read_buffer_size = 4096;

    static const ws::log::level alog_level = ws::log::alevel::none;
    static const ws::log::level elog_level = ws::log::elevel::all;
};

using Server = ws::server<Config>;
using ConnectionPtr = Server::connection_ptr;

// `text` as an unmasked, final text frame, header and payload in one
// buffer so that each client's write is a single one. Server frames do not
// depend on the connection, so every subscriber shares these bytes.
std::shared_ptr<const void> prepare_frame(std::string_view text)
{
    const ws::frame::basic_header header(ws::frame::opcode::text, text.size(), true, false);
    auto wire = std::make_shared<std::string>(
        ws::frame::prepare_header(header, ws::frame::extended_header(text.size())));
    wire->append(text);
    return wire;
}

// herald's view of one websocketpp connection. It holds the connection
// weakly: the connection owns the session, which owns this object.
class WsConnection final : public Connection {
public:
    WsConnection(const ConnectionPtr& con, std::string remote)
        : con_(con), remote_(std::move(remote))
    {
    }

    SendStatus send(const FramePtr& frame, std::size_t queue_limit) override
    {
        ConnectionPtr con = con_.lock();
        if (!con) {
            return SendStatus::closed;
        }

        const auto& wire = *std::static_pointer_cast<const std::string>(
            frame->prepared(prepare_frame));
        return con->write_shared(frame, wire, queue_limit);
    }

    void close(Disconnect reason) override
    {
        ConnectionPtr con = con_.lock();
        if (!con) {
            return;
        }

        // A connection already closing refuses a second close: that is fine.
        std::error_code ignored;
        con->close(reason.code, std::string(reason.reason), ignored);
    }

    std::string remote_address() const override { return remote_; }

private:
    std::weak_ptr<Server::connection_type> con_;
    const std::string remote_;
};

// Lets a late ServerApi callback (from a broker thread) reach the I/O
// context only while it exists.
class PostGate {
public:
    template <class Fn>
    void run(Fn&& fn)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (open_) {
            fn();
        }
    }

    void close()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = false;
    }

private:
    std::mutex mutex_;
    bool open_ = true;
};

// Splits "/path?query" into its two parts.
std::pair<std::string, std::string> split_resource(const std::string& resource)
{
    const auto mark = resource.find('?');
    if (mark == std::string::npos) {
        return {resource, {}};
    }
    return {resource.substr(0, mark), resource.substr(mark + 1)};
}

// True when `query` holds `key=value` as one of its '&'-separated fields.
bool query_has(std::string_view query, std::string_view key, std::string_view value)
{
    while (!query.empty()) {
        const auto end = std::min(query.find('&'), query.size());
        const std::string_view field = query.substr(0, end);
        if (field.size() == key.size() + 1 + value.size() && field.substr(0, key.size()) == key &&
            field[key.size()] == '=' && field.substr(key.size() + 1) == value) {
            return true;
        }
        query.remove_prefix(std::min(end + 1, query.size()));
    }
    return false;
}

HttpRequest to_http_request(const ConnectionPtr& con)
{
    const auto& request = con->get_request();

    HttpRequest out;
    out.method = request.get_method();
    std::tie(out.path, out.query) = split_resource(con->get_resource());
    for (const auto& [name, value] : request.get_headers()) {
        out.headers.emplace_back(name, value);
    }
    out.body = request.get_body();
    return out;
}

void apply_response(const ConnectionPtr& con, const HttpResponse& response, bool no_store)
{
    con->set_status(static_cast<ws::http::status_code::value>(response.status));
    con->replace_header("Content-Type", response.content_type);
    for (const auto& [name, value] : response.headers) {
        con->append_header(name, value);
    }
    if (no_store) {
        con->replace_header("Cache-Control", "no-store");
    }

    // websocketpp closes the socket after every response; saying so keeps
    // HTTP/1.1 clients from reusing it for their next request.
    con->replace_header("Connection", "close");
    con->set_body(response.body);
}

HttpResponse json_response(int status, std::string body)
{
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

HttpResponse not_found() { return json_response(404, R"({"error":"not found"})"); }

bool is_api_path(std::string_view path)
{
    const std::string_view prefix = ServerApi::prefix;
    return path.substr(0, prefix.size()) == prefix &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// Asio 1.22 reports OS errors in its own category, which does not compare
// equal to std::errc. Callers of start() get the standard category.
std::error_code to_std(std::error_code ec)
{
    if (ec.category() == asio::system_category()) {
        return {ec.value(), std::system_category()};
    }
    return ec;
}

// Transient accept failures: the process or the kernel is out of something
// that frees up by itself. Retrying at once would spin.
bool is_resource_shortage(std::error_code ec)
{
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory || ec == std::error_code(ENFILE, asio::system_category());
}

} // namespace

class WebSocketServer::Impl {
public:
    Impl(Hub& hub, WebSocketOptions options);
    ~Impl();

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void start(std::error_code& ec);
    std::uint16_t port() const noexcept { return port_.load(); }
    void stop();
    void wait();

private:
    enum class State { idle, running, stopping, stopped };

    // Setting up.
    void configure();
    std::error_code listen();
    void run_io();

    // Accepting: our own loop, so that running out of descriptors backs off
    // instead of spinning as websocketpp's start_accept() would.
    void accept_next();
    void on_accepted(const ConnectionPtr& con, std::error_code ec);
    void continue_accepting(std::error_code ec);

    // WebSocket connections.
    void on_socket_init(ws::connection_hdl hdl, asio::ip::tcp::socket& socket);
    bool on_validate(ws::connection_hdl hdl);
    void on_open(ws::connection_hdl hdl);
    void on_message(ws::connection_hdl hdl, const Server::message_ptr& message);
    void on_close(ws::connection_hdl hdl);

    // Plain HTTP.
    void on_http(ws::connection_hdl hdl);
    void serve_api(const ConnectionPtr& con, const HttpRequest& request);
    void finish_api(const ConnectionPtr& con, const HttpResponse& response);
    void serve_host(const ConnectionPtr& con, const HttpRequest& request);

    // Stopping.
    void stop_accepting();
    bool close_connections();
    void await_released();
    void release_leftovers();

    void log(LogLevel level, std::string_view message, std::error_code ec = {}) const;

    Hub& hub_;
    const WebSocketOptions options_;
    ServerApi api_;

    // Declared before everything that refers to it, so destroyed last.
    asio::io_context io_;
    Server server_;
    asio::io_context::strand accept_strand_;
    asio::steady_timer accept_retry_;
    bool starved_ = false; // accept failed for lack of resources; on the strand
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
    std::vector<std::thread> threads_;
    std::atomic<std::uint16_t> port_{0};
    const std::shared_ptr<PostGate> gate_ = std::make_shared<PostGate>();
    const std::shared_ptr<detail::LiveConnections> live_ =
        std::make_shared<detail::LiveConnections>();

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    State state_ = State::idle;
    std::unordered_set<ConnectionPtr> open_;         // WebSocket, after on_open
    std::unordered_set<ConnectionPtr> pending_http_; // waiting for ServerApi
};

WebSocketServer::Impl::Impl(Hub& hub, WebSocketOptions options)
    : hub_(hub),
      options_(std::move(options)),
      api_(hub),
      accept_strand_(io_),
      accept_retry_(io_)
{
    configure();
}

WebSocketServer::Impl::~Impl()
{
    stop();
    gate_->close();
}

void WebSocketServer::Impl::configure()
{
    server_.get_elog().attach(&hub_.logger());

    std::error_code ec;
    server_.init_asio(&io_, ec);
    if (ec) {
        detail::throw_error(ec, "WebSocketServer: init_asio");
    }

    server_.set_reuse_addr(true);
    server_.set_listen_backlog(options_.listen_backlog);
    server_.set_max_message_size(hub_.options().max_message_size);
    server_.set_max_http_body_size(max_http_body_size);
    server_.set_close_handshake_timeout(close_handshake_timeout_ms);
    server_.set_user_agent(std::string("herald/") + version_string);

    using std::placeholders::_1;
    using std::placeholders::_2;
    server_.set_socket_init_handler(std::bind(&Impl::on_socket_init, this, _1, _2));
    server_.set_validate_handler(std::bind(&Impl::on_validate, this, _1));
    server_.set_open_handler(std::bind(&Impl::on_open, this, _1));
    server_.set_message_handler(std::bind(&Impl::on_message, this, _1, _2));
    server_.set_close_handler(std::bind(&Impl::on_close, this, _1));
    server_.set_fail_handler(std::bind(&Impl::on_close, this, _1));
    server_.set_http_handler(std::bind(&Impl::on_http, this, _1));
}

void WebSocketServer::Impl::start(std::error_code& ec)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ != State::idle) {
        ec = std::make_error_code(std::errc::operation_not_permitted);
        return;
    }

    ec = listen();
    if (ec) {
        return;
    }

    asio::post(accept_strand_, [this] { accept_next(); });
    work_.emplace(io_.get_executor());
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned count = options_.threads != 0 ? options_.threads : cores;
    for (unsigned i = 0; i < count; ++i) {
        threads_.emplace_back([this] { run_io(); });
    }
    state_ = State::running;
    log(LogLevel::info,
        fmt::format("listening on {}:{} with {} I/O threads", options_.host, port(), count));
}

std::error_code WebSocketServer::Impl::listen()
{
    std::error_code ec;
    asio::ip::tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                            asio::ip::tcp::resolver::passive, ec);
    if (ec) {
        return ec;
    }

    server_.listen(endpoints.begin()->endpoint(), ec);
    if (ec) {
        return to_std(ec);
    }

    const auto local = server_.get_local_endpoint(ec);
    port_.store(ec ? 0 : local.port());
    return to_std(ec);
}

void WebSocketServer::Impl::run_io()
{
    // A handler that throws must not end the thread: the rest of the
    // connections still need it.
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            log(LogLevel::error, fmt::format("I/O handler threw: {}", e.what()));
        } catch (...) {
            log(LogLevel::error, "I/O handler threw a non-exception");
        }
    }
}

void WebSocketServer::Impl::accept_next()
{
    if (!server_.is_listening()) {
        return;
    }

    ConnectionPtr con = server_.get_connection();
    if (!con) {
        log(LogLevel::error, "cannot create a connection; no longer accepting");
        return;
    }

    std::error_code ec;
    server_.async_accept(
        con, [this, con](const std::error_code& result) { on_accepted(con, result); }, ec);
    if (ec) {
        con->terminate(ec);
    }
}

void WebSocketServer::Impl::on_accepted(const ConnectionPtr& con, std::error_code ec)
{
    if (ec) {
        con->terminate(ec);
    } else {
        con->start();
    }
    asio::post(accept_strand_, [this, ec] { continue_accepting(ec); });
}

void WebSocketServer::Impl::continue_accepting(std::error_code ec)
{
    // Cancelled by stop(); websocketpp passes Asio's own code through.
    if (ec == ws::error::operation_canceled || ec == asio::error::operation_aborted) {
        return;
    }

    if (!is_resource_shortage(ec)) {
        if (ec) {
            log(LogLevel::debug, "accept failed", ec);
        } else if (starved_) {
            starved_ = false;
            log(LogLevel::info, "accepting connections again");
        }
        accept_next();
        return;
    }

    // One record per shortage, not one per retry.
    if (!starved_) {
        starved_ = true;
        log(LogLevel::error, "cannot accept connections; retrying every 100 ms", ec);
    }
    accept_retry_.expires_after(accept_retry_delay);
    accept_retry_.async_wait(asio::bind_executor(accept_strand_, [this](std::error_code e) {
        if (!e) {
            accept_next();
        }
    }));
}

void WebSocketServer::Impl::on_socket_init(ws::connection_hdl, asio::ip::tcp::socket& socket)
{
    // Small frames must leave at once: Nagle plus delayed ACKs would add
    // tens of milliseconds to a publication.
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
}

bool WebSocketServer::Impl::on_validate(ws::connection_hdl hdl)
{
    ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const auto [path, query] = split_resource(con->get_resource());
    if (path != options_.websocket_path) {
        con->set_status(ws::http::status_code::not_found);
        con->set_body(not_found().body);
        return false;
    }

    // Only the JSON protocol is spoken; Protobuf clients are turned away
    // before they start sending binary frames.
    const auto& offered = con->get_requested_subprotocols();
    const bool wants_protobuf =
        query_has(query, "cf_protocol", "protobuf") || query_has(query, "format", "protobuf");
    const bool offers_json =
        std::find(offered.begin(), offered.end(), json_subprotocol) != offered.end();
    if (wants_protobuf || (!offered.empty() && !offers_json)) {
        con->set_status(ws::http::status_code::bad_request);
        con->set_body(R"({"error":"only the centrifuge-json protocol is supported"})");
        return false;
    }

    if (offers_json) {
        con->select_subprotocol(std::string(json_subprotocol));
    }
    return true;
}

void WebSocketServer::Impl::on_open(ws::connection_hdl hdl)
{
    ConnectionPtr con = server_.get_con_from_hdl(hdl);
    bool admitted = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        admitted = state_ == State::running;
        if (admitted) {
            open_.insert(con);
        }
    }
    if (admitted) {
        con->count_in(live_);
    }

    con->set_batching(options_.batch_writes);
    auto link = std::make_shared<WsConnection>(con, con->get_remote_endpoint());
    if (!admitted) {
        link->close(disconnect::shutdown);
        return;
    }

    // A hub that has shut down returns no session and takes no one in.
    try {
        con->session = hub_.accept(link);
    } catch (const std::exception& e) {
        log(LogLevel::error, fmt::format("Hub::accept threw: {}", e.what()));
    }
    if (!con->session) {
        link->close(disconnect::shutdown);
    }
}

void WebSocketServer::Impl::on_message(ws::connection_hdl hdl, const Server::message_ptr& message)
{
    ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const std::shared_ptr<Session>& session = con->session;
    if (!session) {
        return;
    }

    if (message->get_opcode() != ws::frame::opcode::text) {
        session->disconnect(disconnect::bad_request);
        return;
    }

    try {
        session->receive(message->get_payload());
    } catch (const std::exception& e) {
        log(LogLevel::error, fmt::format("session {} failed: {}", session->id(), e.what()));
        session->disconnect(disconnect::internal);
    }
}

void WebSocketServer::Impl::on_close(ws::connection_hdl hdl)
{
    ConnectionPtr con = server_.get_con_from_hdl(hdl);
    std::shared_ptr<Session> session = std::move(con->session);
    if (session) {
        session->closed();
    }

    std::lock_guard<std::mutex> lock(mutex_);
    if (open_.erase(con) != 0 && open_.empty()) {
        changed_.notify_all();
    }
}

void WebSocketServer::Impl::on_http(ws::connection_hdl hdl)
{
    ConnectionPtr con = server_.get_con_from_hdl(hdl);
    const HttpRequest request = to_http_request(con);
    if (options_.enable_server_api && is_api_path(request.path)) {
        serve_api(con, request);
    } else {
        serve_host(con, request);
    }
}

void WebSocketServer::Impl::serve_api(const ConnectionPtr& con, const HttpRequest& request)
{
    // websocketpp drops a deferred connection nobody holds, so keep it until
    // the answer is written.
    con->defer_http_response();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_http_.insert(con);
    }

    // The answer may come inline or from a broker thread; either way it is
    // written from the connection's strand, after this handler has returned.
    std::weak_ptr<Server::connection_type> weak = con;
    auto done = [this, gate = gate_, weak](HttpResponse response) {
        gate->run([&] {
            ConnectionPtr target = weak.lock();
            if (target) {
                asio::post(*target->get_strand(), [this, target, response = std::move(response)] {
                    finish_api(target, response);
                });
            }
        });
    };

    try {
        api_.handle(request, std::move(done));
    } catch (const std::exception& e) {
        log(LogLevel::error, fmt::format("server API threw: {}", e.what()));
        finish_api(con, json_response(500, R"({"error":"internal server error"})"));
    }
}

void WebSocketServer::Impl::finish_api(const ConnectionPtr& con, const HttpResponse& response)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (pending_http_.erase(con) == 0) {
            return; // answered already
        }
    }

    apply_response(con, response, true);
    std::error_code ec;
    con->send_http_response(ec);
    if (ec) {
        log(LogLevel::debug, "cannot send an API response", ec);
    }
}

void WebSocketServer::Impl::serve_host(const ConnectionPtr& con, const HttpRequest& request)
{
    HttpResponse response;
    bool handled = false;
    if (options_.http_handler) {
        try {
            handled = options_.http_handler(request, response);
        } catch (const std::exception& e) {
            log(LogLevel::error, fmt::format("HTTP handler threw: {}", e.what()));
            response = json_response(500, R"({"error":"internal server error"})");
            handled = true;
        }
    }
    apply_response(con, handled ? response : not_found(), false);
}

void WebSocketServer::Impl::stop()
{
    std::unique_lock<std::mutex> lock(mutex_);
    if (state_ == State::idle) {
        state_ = State::stopped;
        changed_.notify_all();
        return;
    }
    if (state_ != State::running) {
        changed_.wait(lock, [this] { return state_ == State::stopped; });
        return;
    }

    // Joining from one of our own threads would wait for itself.
    const auto self = std::this_thread::get_id();
    for (const auto& thread : threads_) {
        if (thread.get_id() == self) {
            lock.unlock();
            log(LogLevel::error, "WebSocketServer::stop() called from an I/O thread; ignored");
            return;
        }
    }
    state_ = State::stopping;
    lock.unlock();

    stop_accepting();
    if (close_connections()) {
        await_released();
    }

    work_.reset();
    io_.stop();
    for (auto& thread : threads_) {
        thread.join();
    }
    release_leftovers();
    gate_->close();

    lock.lock();
    state_ = State::stopped;
    changed_.notify_all();
    log(LogLevel::info, "stopped");
}

void WebSocketServer::Impl::stop_accepting()
{
    // The acceptor belongs to the accept strand; touch it only from there.
    auto done = std::make_shared<std::promise<void>>();
    asio::post(accept_strand_, [this, done] {
        std::error_code ignored;
        accept_retry_.cancel();
        server_.stop_listening(ignored);
        done->set_value();
    });
    done->get_future().wait_for(stop_drain_timeout);
}

bool WebSocketServer::Impl::close_connections()
{
    std::unique_lock<std::mutex> lock(mutex_);
    const std::vector<ConnectionPtr> open(open_.begin(), open_.end());
    lock.unlock();

    std::error_code ignored;
    for (const auto& con : open) {
        con->close(disconnect::shutdown.code, std::string(disconnect::shutdown.reason), ignored);
    }

    // Clients answer the close frame within a round trip; the close
    // handshake timeout bounds the ones that do not.
    lock.lock();
    changed_.wait_for(lock, stop_drain_timeout, [this] { return open_.empty(); });
    if (!open_.empty()) {
        log(LogLevel::warn,
            fmt::format("{} connections still open after the drain timeout", open_.size()));
        return false;
    }
    return true;
}

void WebSocketServer::Impl::await_released()
{
    // Every session has closed, but a fan-out lane or a broker thread may
    // still hold one of their connections (a lane's batch keeps its writes'
    // connections until the pass ends) and drop it later. The last drop
    // destroys the socket, which needs the io_context: let it happen while
    // the I/O threads still run the completions it posts.
    const std::size_t alive = live_->wait_for_none(stop_drain_timeout);
    if (alive != 0) {
        log(LogLevel::warn,
            fmt::format("{} closed connections still referenced after the drain timeout",
                        alive));
    }
}

void WebSocketServer::Impl::release_leftovers()
{
    // The I/O threads are gone: nothing else touches these connections now.
    std::unique_lock<std::mutex> lock(mutex_);
    auto open = std::move(open_);
    auto pending = std::move(pending_http_);
    open_.clear();
    pending_http_.clear();
    lock.unlock();

    for (const auto& con : open) {
        std::shared_ptr<Session> session = std::move(con->session);
        if (session) {
            session->closed();
        }
    }
}

void WebSocketServer::Impl::wait()
{
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return state_ == State::stopped; });
}

void WebSocketServer::Impl::log(LogLevel level, std::string_view message, std::error_code ec) const
{
    hub_.logger().log(level, log_component, message, ec);
}

WebSocketServer::WebSocketServer(Hub& hub, WebSocketOptions options)
    : impl_(std::make_unique<Impl>(hub, std::move(options)))
{
}

WebSocketServer::~WebSocketServer() = default;

void WebSocketServer::start()
{
    std::error_code ec;
    start(ec);
    if (ec) {
        detail::throw_error(ec, "WebSocketServer::start");
    }
}

void WebSocketServer::start(std::error_code& ec) noexcept
{
    ec.clear();
    try {
        impl_->start(ec);
    } catch (const std::system_error& e) {
        ec = e.code();
    } catch (const std::exception&) {
        ec = make_error_code(errc::internal);
    }
}

std::uint16_t WebSocketServer::port() const noexcept { return impl_->port(); }

void WebSocketServer::stop() { impl_->stop(); }

void WebSocketServer::wait() { impl_->wait(); }

} // namespace herald
