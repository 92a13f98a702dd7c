// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "client_protocol.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace bench {
namespace {

using nlohmann::json;

// Command ids of the two commands a herald client sends.
constexpr std::uint64_t connect_id = 1;
constexpr std::uint64_t subscribe_id = 2;

// Engine.IO v4 packet types (the first character of a message).
constexpr char eio_open = '0';
constexpr char eio_close = '1';
constexpr char eio_ping = '2';
constexpr char eio_pong = '3';
constexpr char eio_message = '4';

// Socket.IO packet types (the character after Engine.IO's '4').
constexpr char sio_connect = '0';
constexpr char sio_event = '2';
constexpr char sio_ack = '3';
constexpr char sio_connect_error = '4';

// Socket.IO's subscribe event asks for ack 1: "421[...]".
constexpr std::string_view sio_subscribe_ack = "1";

template <class Number>
bool parse_field(std::string_view& text, Number& out)
{
    const auto end = text.find('|');
    if (end == std::string_view::npos) {
        return false;
    }
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, out);
    text.remove_prefix(end + 1);
    return ec == std::errc() && ptr == text.data() - 1;
}

} // namespace

std::string make_stamp(std::uint32_t index, std::int64_t sent_ns)
{
    return std::string(stamp_prefix) + std::to_string(index) + '|' + std::to_string(sent_ns) + '|';
}

bool find_stamp(std::string_view text, std::uint32_t& index, std::int64_t& sent_ns)
{
    const auto at = text.find(stamp_prefix);
    if (at == std::string_view::npos) {
        return false;
    }
    text.remove_prefix(at + stamp_prefix.size());
    return parse_field(text, index) && parse_field(text, sent_ns);
}

ClientProtocol::ClientProtocol(Target target) : target_(protocol_of(target))
{
    connect_ = json{{"id", connect_id}, {"connect", json::object()}}.dump();
    if (target_ == Target::herald) {
        subscribe_ = json{{"id", subscribe_id}, {"subscribe", {{"channel", channel}}}}.dump();
    } else {
        // Socket.IO: message, event, ack id, then the event's arguments.
        subscribe_ = std::string(1, eio_message) + sio_event + std::string(sio_subscribe_ack) +
                     json::array({"subscribe", channel}).dump();
    }
}

std::string ClientProtocol::uri(std::uint16_t port) const
{
    const std::string base = "ws://127.0.0.1:" + std::to_string(port);
    switch (target_) {
        case Target::herald:
        case Target::herald_redis1:
        case Target::herald_redis:
            return base + "/connection/websocket";
        case Target::ws:
            return base + "/";
        case Target::socketio:
            return base + "/socket.io/?EIO=4&transport=websocket";
    }
    return base;
}

void ClientProtocol::on_open(ClientEvents& events) const
{
    // Socket.IO waits for the server's open packet; ws needs no handshake.
    if (target_ == Target::herald) {
        events.send(connect_);
    } else if (target_ == Target::ws) {
        events.subscribed();
    }
}

void ClientProtocol::on_message(std::string_view text, ClientEvents& events) const
{
    if (target_ == Target::socketio) {
        socketio_packet(text, events);
        return;
    }
    if (target_ == Target::ws) {
        std::uint32_t index = 0;
        std::int64_t sent = 0;
        if (find_stamp(text, index, sent)) {
            events.delivered(index, sent);
        }
        return;
    }

    // herald may put several replies in one message, one per line.
    while (!text.empty()) {
        const auto end = std::min(text.find('\n'), text.size());
        herald_reply(text.substr(0, end), events);
        text.remove_prefix(std::min(end + 1, text.size()));
    }
}

void ClientProtocol::herald_reply(std::string_view line, ClientEvents& events) const
{
    // Publications are the hot path: find the stamp without parsing JSON.
    std::uint32_t index = 0;
    std::int64_t sent = 0;
    if (find_stamp(line, index, sent)) {
        events.delivered(index, sent);
        return;
    }

    const json reply = json::parse(line, nullptr, false);
    if (!reply.is_object()) {
        return;
    }
    if (reply.empty()) {
        // An empty reply is the server's ping; the pong is one too.
        events.send("{}");
        return;
    }
    const std::uint64_t id = reply.value("id", std::uint64_t{0});
    if (id != connect_id && id != subscribe_id) {
        return;
    }
    if (reply.contains("error")) {
        events.refused();
    } else if (id == connect_id) {
        events.send(subscribe_);
    } else {
        events.subscribed();
    }
}

void ClientProtocol::socketio_packet(std::string_view packet, ClientEvents& events) const
{
    if (packet.empty()) {
        return;
    }
    switch (packet[0]) {
        case eio_open:
            events.send(std::string(1, eio_message) + sio_connect);
            return;
        case eio_ping:
            events.send(std::string(1, eio_pong));
            return;
        case eio_close:
            events.refused();
            return;
        case eio_message:
            break;
        default:
            return;
    }

    const char type = packet.size() > 1 ? packet[1] : '\0';
    std::uint32_t index = 0;
    std::int64_t sent = 0;
    if (type == sio_event && find_stamp(packet, index, sent)) {
        events.delivered(index, sent);
    } else if (type == sio_connect) {
        events.send(subscribe_);
    } else if (type == sio_ack && packet.substr(2, sio_subscribe_ack.size()) == sio_subscribe_ack) {
        events.subscribed();
    } else if (type == sio_connect_error) {
        events.refused();
    }
}

} // namespace bench
