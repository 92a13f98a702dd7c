// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include "web.hpp"

#include <herald/token.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace scoreboard {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct StaticFile {
    fs::path relative;        ///< below the assets directory
    const char* content_type;
};

std::map<std::string, StaticFile, std::less<>> static_files()
{
    const char* html = "text/html; charset=utf-8";
    const char* js = "text/javascript; charset=utf-8";
    return {
        {"/", {"web/index.html", html}},
        {"/index.html", {"web/index.html", html}},
        {"/app.js", {"web/app.js", js}},
        {"/style.css", {"web/style.css", "text/css; charset=utf-8"}},
        {"/vendor/centrifuge.js", {"node_modules/centrifuge/dist/centrifuge.js", js}},
    };
}

bool read_file(const fs::path& path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out = std::move(text).str();
    return true;
}

void plain(herald::HttpResponse& response, int status, std::string body)
{
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(body) + "\n";
}

// The routes behind make_http_handler; one instance shared by every I/O
// thread, so its only mutable member is atomic.
class WebRoutes {
public:
    WebRoutes(Scoreboard& board, WebOptions options, const herald::Logger& logger)
        : board_(board), options_(std::move(options)), logger_(logger), files_(static_files())
    {
    }

    bool handle(const herald::HttpRequest& request, herald::HttpResponse& response)
    {
        auto file = files_.find(request.path);
        bool known = file != files_.end() || request.path == "/matches.json" ||
                     (request.path == "/token" && !options_.token_secret.empty());
        if (!known) {
            return false;
        }
        if (request.method != "GET") {
            plain(response, 405, "only GET is served here");
            response.headers.emplace_back("Allow", "GET");
            return true;
        }

        if (file != files_.end()) {
            serve_file(file->second, response);
        } else if (request.path == "/matches.json") {
            serve_matches(response);
        } else {
            serve_token(response);
        }
        return true;
    }

private:
    void serve_file(const StaticFile& file, herald::HttpResponse& response) const
    {
        fs::path path = options_.assets_dir / file.relative;
        if (!read_file(path, response.body)) {
            logger_.log(herald::LogLevel::warn, "scoreboard", "cannot read " + path.string());
            plain(response, 404, "missing " + path.string() + hint(file));
            return;
        }
        response.content_type = file.content_type;
        response.headers.emplace_back("Cache-Control", "no-cache");
    }

    static std::string hint(const StaticFile& file)
    {
        bool vendored = file.relative.begin()->string() == "node_modules";
        return vendored ? " (run `npm ci` in the scoreboard example's directory)" : "";
    }

    void serve_matches(herald::HttpResponse& response) const
    {
        json body = board_.snapshot();
        body["auth"] = options_.token_secret.empty() ? "anonymous" : "token";
        response.body = body.dump();
        response.headers.emplace_back("Cache-Control", "no-store");
    }

    // A short-lived token for a new demo viewer; the page asks again when
    // it expires.
    void serve_token(herald::HttpResponse& response)
    {
        unsigned n = ++viewers_;
        herald::TokenClaims claims;
        claims.sub = "viewer-" + std::to_string(n);
        claims.expires = std::chrono::system_clock::now() + options_.token_lifetime;
        claims.info = json{{"name", "Viewer " + std::to_string(n)}}.dump();

        std::string token = herald::issue_token(claims, options_.token_secret);
        response.body = json{{"token", std::move(token)}}.dump();
        response.headers.emplace_back("Cache-Control", "no-store");
    }

    Scoreboard& board_;
    const WebOptions options_;
    const herald::Logger& logger_;
    const std::map<std::string, StaticFile, std::less<>> files_;
    std::atomic<unsigned> viewers_{0};
};

} // namespace

fs::path centrifuge_bundle(const fs::path& assets_dir)
{
    return assets_dir / static_files().at("/vendor/centrifuge.js").relative;
}

herald::HttpHandler make_http_handler(Scoreboard& board,
                                      WebOptions options,
                                      const herald::Logger& logger)
{
    auto routes = std::make_shared<WebRoutes>(board, std::move(options), logger);
    return [routes, &logger](const herald::HttpRequest& request,
                             herald::HttpResponse& response) {
        // Nothing may unwind into the transport's I/O thread.
        try {
            return routes->handle(request, response);
        } catch (const std::exception& e) {
            logger.log(herald::LogLevel::error, "scoreboard",
                       request.path + " failed: " + e.what());
            response = {};
            plain(response, 500, "internal error");
            return true;
        }
    };
}

} // namespace scoreboard
