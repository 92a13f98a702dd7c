// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald {

class Hub;

/// An HTTP request as a transport hands it over.
struct HttpRequest {
    std::string method; ///< "GET", "POST", ...
    std::string path;   ///< without the query string
    std::string query;  ///< after '?', or empty
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header named `name` (case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
};

/// An HTTP response to send back.
struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; ///< extra headers
};

/// The Centrifugo-compatible server API: POST /api/<method> with a JSON body
/// and the key in `X-API-Key` or `Authorization: apikey KEY`. Methods:
/// publish, broadcast, history, presence, presence_stats, channels, info,
/// disconnect, unsubscribe.
/// Answers `{"result":{...}}` or `{"error":{"code":N,"message":"..."}}`, with
/// HTTP 401 for a missing or wrong key, 400 for a malformed body, 404 for an
/// unknown method and 405 for a method other than POST.
class ServerApi {
public:
    /// Serves requests against `hub`, which must outlive this object.
    explicit ServerApi(Hub& hub) : hub_(hub) {}

    /// The path prefix this API answers under.
    static constexpr std::string_view prefix = "/api";

    /// Handles `request` and calls `done` once with the response, on this
    /// thread or on the broker's.
    void handle(const HttpRequest& request, std::function<void(HttpResponse)> done) const;

private:
    Hub& hub_;
};

} // namespace herald
