// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "codec.hpp"

#include <msgpack.hpp>

#include <exception>
#include <vector>

namespace herald::redis {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

constexpr std::uint32_t client_info_fields = 4;

void pack_client_info(Packer& packer, const ClientInfo& info)
{
    packer.pack_array(client_info_fields);
    packer.pack(info.user);
    packer.pack(info.client);
    packer.pack(info.conn_info);
    packer.pack(info.chan_info);
}

bool read_client_info(const msgpack::object& object, ClientInfo& out)
{
    auto fields = object.as<std::vector<std::string>>();
    if (fields.size() != client_info_fields) {
        return false;
    }
    out.user = std::move(fields[0]);
    out.client = std::move(fields[1]);
    out.conn_info = std::move(fields[2]);
    out.chan_info = std::move(fields[3]);
    return true;
}

// The elements of a msgpack array of exactly `n` elements, or null.
const msgpack::object* array_of(const msgpack::object& object, std::uint32_t n)
{
    if (object.type != msgpack::type::ARRAY || object.via.array.size != n) {
        return nullptr;
    }
    return object.via.array.ptr;
}

std::string to_string(const msgpack::sbuffer& buffer)
{
    return std::string(buffer.data(), buffer.size());
}

// Runs `read` on the object in `bytes`; false when either fails.
template <class Read>
bool unpack(std::string_view bytes, Read read)
{
    try {
        auto handle = msgpack::unpack(bytes.data(), bytes.size());
        return read(handle.get());
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

std::string encode_publication(const std::string& data,
                               const std::optional<ClientInfo>& info,
                               const std::map<std::string, std::string>& tags)
{
    msgpack::sbuffer buffer;
    Packer packer(buffer);
    packer.pack_array(3);
    packer.pack(data);
    if (info) {
        pack_client_info(packer, *info);
    } else {
        packer.pack_nil();
    }
    packer.pack(tags);
    return to_string(buffer);
}

bool decode_publication(std::string_view bytes, Publication& out)
{
    return unpack(bytes, [&out](const msgpack::object& object) {
        const auto* fields = array_of(object, 3);
        if (fields == nullptr) {
            return false;
        }
        out.data = fields[0].as<std::string>();
        out.info.reset();
        if (fields[1].type != msgpack::type::NIL) {
            ClientInfo info;
            if (!read_client_info(fields[1], info)) {
                return false;
            }
            out.info = std::move(info);
        }
        out.tags = fields[2].as<std::map<std::string, std::string>>();
        return true;
    });
}

std::string encode_client_info(const ClientInfo& info)
{
    msgpack::sbuffer buffer;
    Packer packer(buffer);
    pack_client_info(packer, info);
    return to_string(buffer);
}

bool decode_client_info(std::string_view bytes, ClientInfo& out)
{
    return unpack(bytes,
                  [&out](const msgpack::object& object) { return read_client_info(object, out); });
}

std::string encode_node_info(const NodeInfo& node)
{
    msgpack::sbuffer buffer;
    Packer packer(buffer);
    packer.pack_array(7);
    packer.pack(node.uid);
    packer.pack(node.name);
    packer.pack(node.version);
    packer.pack(node.num_clients);
    packer.pack(node.num_users);
    packer.pack(node.num_channels);
    packer.pack(static_cast<std::int64_t>(node.uptime.count()));
    return to_string(buffer);
}

bool decode_node_info(std::string_view bytes, NodeInfo& out)
{
    return unpack(bytes, [&out](const msgpack::object& object) {
        const auto* fields = array_of(object, 7);
        if (fields == nullptr) {
            return false;
        }
        out.uid = fields[0].as<std::string>();
        out.name = fields[1].as<std::string>();
        out.version = fields[2].as<std::string>();
        out.num_clients = fields[3].as<std::size_t>();
        out.num_users = fields[4].as<std::size_t>();
        out.num_channels = fields[5].as<std::size_t>();
        out.uptime = std::chrono::seconds(fields[6].as<std::int64_t>());
        return true;
    });
}

std::string encode_control(const ControlCommand& command)
{
    msgpack::sbuffer buffer;
    Packer packer(buffer);
    packer.pack_array(7);
    packer.pack(static_cast<unsigned>(command.kind));
    packer.pack(command.origin);
    packer.pack(command.user);
    packer.pack(command.client);
    packer.pack(command.channel);
    packer.pack(command.code);
    packer.pack(command.reason);
    return to_string(buffer);
}

bool decode_control(std::string_view bytes, ControlCommand& out)
{
    return unpack(bytes, [&out](const msgpack::object& object) {
        const auto* fields = array_of(object, 7);
        if (fields == nullptr) {
            return false;
        }
        // A kind this node does not know comes from a newer node: refused,
        // not guessed at.
        auto kind = fields[0].as<unsigned>();
        if (kind > static_cast<unsigned>(ControlCommand::Kind::unsubscribe)) {
            return false;
        }
        out.kind = static_cast<ControlCommand::Kind>(kind);
        out.origin = fields[1].as<std::string>();
        out.user = fields[2].as<std::string>();
        out.client = fields[3].as<std::string>();
        out.channel = fields[4].as<std::string>();
        out.code = fields[5].as<std::uint16_t>();
        out.reason = fields[6].as<std::string>();
        return true;
    });
}

bool decode_envelope(std::string_view bytes, Envelope& out)
{
    return unpack(bytes, [&out](const msgpack::object& object) {
        const auto* fields = array_of(object, 3);
        if (fields == nullptr) {
            return false;
        }
        out.offset = fields[0].as<std::uint64_t>();
        out.epoch = fields[1].as<std::string>();
        out.body = fields[2].as<std::string>();
        return true;
    });
}

} // namespace herald::redis
