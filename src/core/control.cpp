// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors

// Cluster-wide operations on a user's connections: disconnect and
// unsubscribe. The node that takes one applies it to its own sessions at
// once, then its broker carries it to the other nodes.

#include "hub_core.hpp"
#include "protocol.hpp"
#include "wait.hpp"

#include <fmt/format.h>


namespace herald {
namespace detail {
namespace {

// A WebSocket close frame has room for 125 bytes: the code's two, then the
// reason.
constexpr std::size_t max_reason_bytes = 123;

// The protocol's unsubscribe code for a server-side unsubscribe: final, the
// client does not subscribe again.
constexpr std::uint32_t server_unsubscribe_code = 2000;

// Below 3000 are WebSocket's own codes; 5000 and up are no close codes.
bool valid_close(std::uint16_t code, const std::string& reason)
{
    return code >= 3000 && code < 5000 && reason.size() <= max_reason_bytes;
}

bool addressed(const Session& session, const ControlCommand& command)
{
    return session.user() == command.user &&
           (command.client.empty() || session.id() == command.client);
}

} // namespace

void HubCore::disconnect_user(DisconnectRequest request,
                              std::function<void(std::error_code)> done)
{
    if (request.user.empty() || !valid_close(request.code, request.reason)) {
        done(make_error_code(errc::bad_request));
        return;
    }

    ControlCommand command;
    command.kind = ControlCommand::Kind::disconnect;
    command.user = std::move(request.user);
    command.client = std::move(request.client);
    command.code = request.code;
    command.reason = std::move(request.reason);
    control(std::move(command), std::move(done));
}

void HubCore::unsubscribe_user(UnsubscribeRequest request,
                               std::function<void(std::error_code)> done)
{
    std::error_code ec = make_error_code(errc::bad_request);
    if (!request.user.empty()) {
        resolve(request.channel, ec);
    }
    if (ec) {
        done(ec);
        return;
    }

    ControlCommand command;
    command.kind = ControlCommand::Kind::unsubscribe;
    command.user = std::move(request.user);
    command.client = std::move(request.client);
    command.channel = std::move(request.channel);
    control(std::move(command), std::move(done));
}

void HubCore::control(ControlCommand command, std::function<void(std::error_code)> done)
{
    if (shut_down_.load()) {
        done(make_error_code(errc::shut_down));
        return;
    }

    command.origin = uid_;
    apply_control(command);
    broker_->publish_control(std::move(command), std::move(done));
}

void HubCore::on_control(const ControlCommand& command)
{
    // A broker may hand back this node's own commands, applied already.
    if (command.origin == uid_ || shut_down_.load()) {
        return;
    }
    // The sending node checked its request; what fails the check anyway
    // did not come from a herald node, and no close frame could carry it.
    if (command.kind == ControlCommand::Kind::disconnect &&
        !valid_close(command.code, command.reason)) {
        logger_.log(LogLevel::warn, "hub",
                    fmt::format("ignored a disconnect of user {} with close code {}",
                                command.user, command.code));
        return;
    }
    apply_control(command);
}

void HubCore::apply_control(const ControlCommand& command)
{
    std::size_t count = 0;
    for (const auto& session : sessions_snapshot()) {
        if (!addressed(*session, command)) {
            continue;
        }
        ++count;
        if (command.kind == ControlCommand::Kind::disconnect) {
            session->disconnect({command.code, command.reason});
        } else {
            server_unsubscribe(*session, command.channel);
        }
    }

    if (count > 0) {
        const char* what = command.kind == ControlCommand::Kind::disconnect ? "disconnect"
                                                                            : "unsubscribe";
        logger_.log(LogLevel::debug, "hub",
                    fmt::format("{} of user {} reached {} connection(s)", what, command.user,
                                count));
    }
}

void HubCore::server_unsubscribe(Session& session, const std::string& channel)
{
    std::lock_guard<std::recursive_mutex> lock(session.mutex_);
    auto it = session.subs_.find(channel);
    if (it == session.subs_.end()) {
        return;
    }
    auto sub = it->second;
    session.drop_subscription(*sub, false);
    session.send_text(
        encode_unsubscribe_push(channel, server_unsubscribe_code, "server unsubscribe"));
}

} // namespace detail


void Hub::disconnect_user(const DisconnectRequest& request)
{
    std::error_code ec;
    disconnect_user(request, ec);
    if (ec) {
        detail::throw_error(ec, "herald::Hub::disconnect_user");
    }
}

void Hub::disconnect_user(const DisconnectRequest& request, std::error_code& ec) noexcept
{
    detail::wait_for_outcome(
        [&](auto done) { core_->disconnect_user(request, std::move(done)); }, ec);
}

void Hub::disconnect_user_async(DisconnectRequest request,
                                std::function<void(std::error_code)> done)
{
    core_->disconnect_user(std::move(request), std::move(done));
}

void Hub::unsubscribe_user(const UnsubscribeRequest& request)
{
    std::error_code ec;
    unsubscribe_user(request, ec);
    if (ec) {
        detail::throw_error(ec, "herald::Hub::unsubscribe_user");
    }
}

void Hub::unsubscribe_user(const UnsubscribeRequest& request, std::error_code& ec) noexcept
{
    detail::wait_for_outcome(
        [&](auto done) { core_->unsubscribe_user(request, std::move(done)); }, ec);
}

void Hub::unsubscribe_user_async(UnsubscribeRequest request,
                                 std::function<void(std::error_code)> done)
{
    core_->unsubscribe_user(std::move(request), std::move(done));
}

} // namespace herald
