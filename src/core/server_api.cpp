// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/server_api.hpp>

#include "json.hpp"
#include "protocol.hpp"

#include <herald/error.hpp>
#include <herald/hub.hpp>
#include <herald/log.hpp>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <utility>

namespace herald {
namespace {

// Request bodies keep their key order, so `data` is published as written.
using Json = nlohmann::ordered_json;

// Passes the response on exactly once, whichever thread gets there first:
// the hub's callback, or the error path after an exception.
class Responder {
public:
    explicit Responder(std::function<void(HttpResponse)> done) : done_(std::move(done)) {}

    void send(HttpResponse response)
    {
        if (!sent_.exchange(true)) {
            done_(std::move(response));
        }
    }

private:
    std::function<void(HttpResponse)> done_;
    std::atomic<bool> sent_{false};
};

using ReplyPtr = std::shared_ptr<Responder>;

char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    std::size_t begin = s.find_first_not_of(" \t");
    if (begin == s.npos) {
        return {};
    }
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// --- Responses ---------------------------------------------------------------

std::string error_json(std::uint32_t code, std::string_view detail = {})
{
    std::string message(detail::error_message(code));
    if (!detail.empty()) {
        message.append(": ").append(detail);
    }

    std::string out;
    detail::ObjectWriter w(out);
    detail::ObjectWriter inner(w.key("error"));
    inner.number("code", code).string("message", message);
    inner.close();
    w.close();
    return out;
}

HttpResponse respond(int status, std::string body)
{
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

// An HTTP-level refusal: 400, 401, 404 or 405.
HttpResponse refuse(int status, errc code, std::string_view detail = {})
{
    return respond(status, error_json(static_cast<std::uint32_t>(code), detail));
}

// A call the API understood but could not carry out: HTTP 200, as in
// Centrifugo, with the protocol code of `ec`.
HttpResponse failed(std::error_code ec)
{
    return respond(200, error_json(protocol_code(ec)));
}

HttpResponse bad_field(std::string_view detail)
{
    return respond(200, error_json(static_cast<std::uint32_t>(errc::bad_request), detail));
}

HttpResponse succeeded(std::string_view result)
{
    std::string body = "{\"result\":";
    body.append(result).push_back('}');
    return respond(200, std::move(body));
}

// {"offset":N,"epoch":"E"}, leaving out empty fields as the protocol does.
void append_position(detail::ObjectWriter& w, const StreamPosition& position)
{
    if (position.offset != 0) {
        w.number("offset", position.offset);
    }
    if (!position.epoch.empty()) {
        w.string("epoch", position.epoch);
    }
}

std::string position_json(const StreamPosition& position)
{
    std::string out;
    detail::ObjectWriter w(out);
    append_position(w, position);
    w.close();
    return out;
}

// --- Request fields ------------------------------------------------------------
// Each reader returns why the field is refused (for a 107 reply), or null.

const char* read_channel(const Json& body, const char* key, std::string& out)
{
    auto it = body.find(key);
    if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        return "channel must be a non-empty string";
    }
    out = it->get<std::string>();
    return nullptr;
}

const char* read_tags(const Json& body, std::map<std::string, std::string>& out)
{
    auto it = body.find("tags");
    if (it == body.end() || it->is_null()) {
        return nullptr;
    }
    if (!it->is_object()) {
        return "tags must be an object of strings";
    }

    for (const auto& [key, value] : it->items()) {
        if (!value.is_string()) {
            return "tags must be an object of strings";
        }
        out.emplace(key, value.get<std::string>());
    }
    return nullptr;
}

// Reads what publish and broadcast share: data, tags, idempotency_key.
const char* read_publication(const Json& body, PublishRequest& out)
{
    auto data = body.find("data");
    if (data == body.end()) {
        return "data is required";
    }
    // dump() is compact and escapes control characters, so the payload is
    // one line of valid JSON.
    out.data = data->dump();

    auto key = body.find("idempotency_key");
    if (key != body.end() && !key->is_null()) {
        if (!key->is_string()) {
            return "idempotency_key must be a string";
        }
        out.idempotency_key = key->get<std::string>();
    }
    return read_tags(body, out.tags);
}

const char* read_limit(const Json& body, std::ptrdiff_t& out)
{
    auto it = body.find("limit");
    if (it == body.end() || it->is_null()) {
        return nullptr;
    }
    if (!it->is_number_integer()) {
        return "limit must be an integer";
    }

    // The hub caps the limit; only values past the type's range need care.
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::ptrdiff_t>::max());
    out = it->is_number_unsigned() && it->get<std::uint64_t>() > max
              ? std::numeric_limits<std::ptrdiff_t>::max()
              : static_cast<std::ptrdiff_t>(it->get<std::int64_t>());
    return nullptr;
}

const char* read_since(const Json& body, std::optional<StreamPosition>& out)
{
    auto it = body.find("since");
    if (it == body.end() || it->is_null()) {
        return nullptr;
    }
    if (!it->is_object()) {
        return "since must be an object";
    }

    StreamPosition position;
    auto offset = it->find("offset");
    if (offset != it->end() && !offset->is_number_unsigned()) {
        return "since.offset must be a non-negative integer";
    }
    auto epoch = it->find("epoch");
    if (epoch != it->end() && !epoch->is_string()) {
        return "since.epoch must be a string";
    }

    position.offset = offset == it->end() ? 0 : offset->get<std::uint64_t>();
    position.epoch = epoch == it->end() ? std::string() : epoch->get<std::string>();
    out = std::move(position);
    return nullptr;
}

const char* read_reverse(const Json& body, bool& out)
{
    auto it = body.find("reverse");
    if (it == body.end() || it->is_null()) {
        return nullptr;
    }
    if (!it->is_boolean()) {
        return "reverse must be a boolean";
    }
    out = it->get<bool>();
    return nullptr;
}

// '*' matches any run of characters; every other character matches itself.
bool glob_match(std::string_view pattern, std::string_view name)
{
    std::size_t p = 0;
    std::size_t n = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    return pattern.find_first_not_of('*', p) == std::string_view::npos;
}

// --- Methods -------------------------------------------------------------------

void api_publish(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    PublishRequest request;
    const char* why = read_channel(body, "channel", request.channel);
    why = why ? why : read_publication(body, request);
    if (why) {
        reply->send(bad_field(why));
        return;
    }

    hub.publish_async(std::move(request), [reply](std::error_code ec, PublishResult result) {
        reply->send(ec ? failed(ec) : succeeded(position_json(result.position)));
    });
}

// Collects one response per channel, in the order of the request, and
// replies when the last one is in.
class Broadcast {
public:
    Broadcast(std::size_t channels, ReplyPtr reply)
        : responses_(channels), remaining_(channels), reply_(std::move(reply))
    {
    }

    void complete(std::size_t index, std::error_code ec, const PublishResult& result)
    {
        responses_[index] = ec ? error_json(protocol_code(ec))
                               : "{\"result\":" + position_json(result.position) + "}";
        if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            reply_->send(succeeded(join()));
        }
    }

private:
    std::string join() const
    {
        std::string out = "{\"responses\":[";
        for (std::size_t i = 0; i < responses_.size(); ++i) {
            out.append(i == 0 ? "" : ",").append(responses_[i]);
        }
        out += "]}";
        return out;
    }

    // Each slot is written by one callback; the counter orders the writes
    // before the final join.
    std::vector<std::string> responses_;
    std::atomic<std::size_t> remaining_;
    ReplyPtr reply_;
};

const char* read_channels(const Json& body, std::vector<std::string>& out)
{
    auto it = body.find("channels");
    if (it == body.end() || !it->is_array() || it->empty()) {
        return "channels must be a non-empty array of strings";
    }
    for (const Json& channel : *it) {
        if (!channel.is_string() || channel.get_ref<const std::string&>().empty()) {
            return "channels must be a non-empty array of strings";
        }
        out.push_back(channel.get<std::string>());
    }
    return nullptr;
}

void api_broadcast(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    std::vector<std::string> channels;
    PublishRequest common;
    const char* why = read_channels(body, channels);
    why = why ? why : read_publication(body, common);
    if (why) {
        reply->send(bad_field(why));
        return;
    }

    auto state = std::make_shared<Broadcast>(channels.size(), reply);
    for (std::size_t i = 0; i < channels.size(); ++i) {
        PublishRequest request = common;
        request.channel = std::move(channels[i]);
        hub.publish_async(std::move(request), [state, i](std::error_code ec, PublishResult r) {
            state->complete(i, ec, r);
        });
    }
}

std::string history_json(const HistoryResult& result)
{
    std::string out;
    detail::ObjectWriter w(out);
    if (!result.publications.empty()) {
        detail::append_publications(w.key("publications"), result.publications);
    }
    if (!result.top.epoch.empty()) {
        w.string("epoch", result.top.epoch);
    }
    if (result.top.offset != 0) {
        w.number("offset", result.top.offset);
    }
    w.close();
    return out;
}

void api_history(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    std::string channel;
    HistoryQuery query;
    const char* why = read_channel(body, "channel", channel);
    why = why ? why : read_limit(body, query.limit);
    why = why ? why : read_since(body, query.since);
    why = why ? why : read_reverse(body, query.reverse);
    if (why) {
        reply->send(bad_field(why));
        return;
    }

    hub.history_async(std::move(channel), std::move(query),
                      [reply](std::error_code ec, HistoryResult result) {
                          reply->send(ec ? failed(ec) : succeeded(history_json(result)));
                      });
}

std::string presence_json(const PresenceMap& presence)
{
    std::string out = "{\"presence\":{";
    for (auto it = presence.begin(); it != presence.end(); ++it) {
        out.append(it == presence.begin() ? "" : ",");
        detail::append_json_string(out, it->first);
        out.push_back(':');
        detail::append_client_info(out, it->second);
    }
    out += "}}";
    return out;
}

void api_presence(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    std::string channel;
    if (const char* why = read_channel(body, "channel", channel)) {
        reply->send(bad_field(why));
        return;
    }

    hub.presence_async(std::move(channel), [reply](std::error_code ec, PresenceMap presence) {
        reply->send(ec ? failed(ec) : succeeded(presence_json(presence)));
    });
}

void api_presence_stats(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    std::string channel;
    if (const char* why = read_channel(body, "channel", channel)) {
        reply->send(bad_field(why));
        return;
    }

    hub.presence_stats_async(std::move(channel), [reply](std::error_code ec, PresenceStats s) {
        if (ec) {
            reply->send(failed(ec));
            return;
        }
        std::string out;
        detail::ObjectWriter w(out);
        w.number("num_clients", s.num_clients).number("num_users", s.num_users).close();
        reply->send(succeeded(out));
    });
}

void api_channels(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    std::string pattern = "*";
    auto it = body.find("pattern");
    if (it != body.end() && !it->is_null()) {
        if (!it->is_string()) {
            reply->send(bad_field("pattern must be a string"));
            return;
        }
        pattern = it->get<std::string>();
    }

    std::string out = "{\"channels\":{";
    bool first = true;
    for (const ChannelSummary& channel : hub.channels()) {
        if (pattern.empty() || glob_match(pattern, channel.name)) {
            out.append(first ? "" : ",");
            first = false;
            detail::append_json_string(out, channel.name);
            out += ":{\"num_clients\":" + std::to_string(channel.num_clients) + "}";
        }
    }
    out += "}}";
    reply->send(succeeded(out));
}

void append_node(std::string& out, const NodeInfo& node)
{
    detail::ObjectWriter w(out);
    w.string("uid", node.uid).string("name", node.name).string("version", node.version);
    w.number("num_clients", node.num_clients).number("num_users", node.num_users);
    w.number("num_channels", node.num_channels);
    w.number("uptime", static_cast<std::uint64_t>(node.uptime.count()));
    w.close();
}

// Every live node of the cluster, this one first.
void api_info(Hub& hub, const Json&, const ReplyPtr& reply)
{
    hub.nodes_async([reply](std::error_code ec, std::vector<NodeInfo> nodes) {
        if (ec) {
            reply->send(failed(ec));
            return;
        }
        std::string out = "{\"nodes\":[";
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            out += i == 0 ? "" : ",";
            append_node(out, nodes[i]);
        }
        out += "]}";
        reply->send(succeeded(out));
    });
}

// "user" (required) and "client" (optional) of disconnect and unsubscribe.
const char* read_target(const Json& body, std::string& user, std::string& client)
{
    auto it = body.find("user");
    if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        return "user must be a non-empty string";
    }
    user = it->get<std::string>();

    auto id = body.find("client");
    if (id == body.end() || id->is_null()) {
        return nullptr;
    }
    if (!id->is_string()) {
        return "client must be a string";
    }
    client = id->get<std::string>();
    return nullptr;
}

// Centrifugo's fields herald has no use for would narrow the call down;
// ignoring them would act on more connections than asked, so they are
// refused.
const char* refuse_narrowing(const Json& body, bool whitelist)
{
    auto session = body.find("session");
    if (session != body.end() && !session->is_null()) {
        return "session is not supported";
    }
    auto kept = body.find("whitelist");
    if (whitelist && kept != body.end() && !kept->is_null()) {
        return "whitelist is not supported";
    }
    return nullptr;
}

// {"code":N,"reason":"..."}; absent, the request keeps 3503 "force
// disconnect".
const char* read_disconnect(const Json& body, DisconnectRequest& out)
{
    auto it = body.find("disconnect");
    if (it == body.end() || it->is_null()) {
        return nullptr;
    }
    if (!it->is_object()) {
        return "disconnect must be an object";
    }

    auto code = it->find("code");
    if (code == it->end() || !code->is_number_unsigned() ||
        code->get<std::uint64_t>() < 3000 || code->get<std::uint64_t>() > 4999) {
        return "disconnect.code must be an integer from 3000 to 4999";
    }
    auto reason = it->find("reason");
    if (reason != it->end() && !reason->is_null() && !reason->is_string()) {
        return "disconnect.reason must be a string";
    }
    bool has_reason = reason != it->end() && reason->is_string();
    out.code = static_cast<std::uint16_t>(code->get<std::uint64_t>());
    out.reason = has_reason ? reason->get<std::string>() : std::string();
    return out.reason.size() > 123 ? "disconnect.reason must be at most 123 bytes" : nullptr;
}

void api_disconnect(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    DisconnectRequest request;
    const char* why = read_target(body, request.user, request.client);
    why = why ? why : refuse_narrowing(body, true);
    why = why ? why : read_disconnect(body, request);
    if (why) {
        reply->send(bad_field(why));
        return;
    }

    hub.disconnect_user_async(std::move(request), [reply](std::error_code ec) {
        reply->send(ec ? failed(ec) : succeeded("{}"));
    });
}

void api_unsubscribe(Hub& hub, const Json& body, const ReplyPtr& reply)
{
    UnsubscribeRequest request;
    const char* why = read_channel(body, "channel", request.channel);
    why = why ? why : read_target(body, request.user, request.client);
    why = why ? why : refuse_narrowing(body, false);
    if (why) {
        reply->send(bad_field(why));
        return;
    }

    hub.unsubscribe_user_async(std::move(request), [reply](std::error_code ec) {
        reply->send(ec ? failed(ec) : succeeded("{}"));
    });
}

using Method = void (*)(Hub&, const Json&, const ReplyPtr&);

Method find_method(std::string_view name)
{
    static constexpr std::pair<std::string_view, Method> methods[] = {
        {"publish", api_publish},
        {"broadcast", api_broadcast},
        {"history", api_history},
        {"presence", api_presence},
        {"presence_stats", api_presence_stats},
        {"channels", api_channels},
        {"info", api_info},
        {"disconnect", api_disconnect},
        {"unsubscribe", api_unsubscribe},
    };
    for (const auto& [method_name, method] : methods) {
        if (method_name == name) {
            return method;
        }
    }
    return nullptr;
}

// --- Dispatch ------------------------------------------------------------------

// The key from `X-API-Key: KEY`, else from `Authorization: apikey KEY`.
std::string_view presented_key(const HttpRequest& request)
{
    std::string_view key = trim(request.header("X-API-Key"));
    if (!key.empty()) {
        return key;
    }

    constexpr std::string_view scheme = "apikey ";
    std::string_view auth = trim(request.header("Authorization"));
    if (auth.size() <= scheme.size() || !iequals(auth.substr(0, scheme.size()), scheme)) {
        return {};
    }
    return trim(auth.substr(scheme.size()));
}

bool authorized(std::string_view expected, const HttpRequest& request)
{
    // Constant-time on equal lengths, so the key cannot be guessed byte by
    // byte from response times; its length is not secret.
    std::string_view given = presented_key(request);
    return !expected.empty() && given.size() == expected.size() &&
           CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

// The method name in "/api/<method>", or empty for any other path.
std::string_view method_name(std::string_view path)
{
    std::string prefix(ServerApi::prefix);
    prefix.push_back('/');
    if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix) {
        return {};
    }
    return path.substr(prefix.size());
}

void serve(Hub& hub, const HttpRequest& request, const ReplyPtr& reply)
{
    if (request.method != "POST") {
        HttpResponse response = refuse(405, errc::bad_request, "use POST");
        response.headers.emplace_back("Allow", "POST");
        reply->send(std::move(response));
        return;
    }
    if (!authorized(hub.options().api_key, request)) {
        reply->send(refuse(401, errc::unauthorized));
        return;
    }

    Method method = find_method(method_name(request.path));
    if (method == nullptr) {
        reply->send(refuse(404, errc::method_not_found));
        return;
    }

    Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object()) {
        reply->send(refuse(400, errc::bad_request, "body is not a JSON object"));
        return;
    }
    method(hub, body, reply);
}

} // namespace

std::string_view HttpRequest::header(std::string_view name) const
{
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return {};
}

void ServerApi::handle(const HttpRequest& request, std::function<void(HttpResponse)> done) const
{
    auto reply = std::make_shared<Responder>(std::move(done));
    try {
        serve(hub_, request, reply);
    } catch (const std::exception& e) {
        hub_.logger().log(LogLevel::error, "api",
                          std::string("server API call failed: ") + e.what(),
                          make_error_code(errc::internal));
        reply->send(refuse(500, errc::internal));
    }
}

} // namespace herald
