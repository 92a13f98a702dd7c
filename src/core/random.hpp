// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

#include <random>
#include <string>

namespace herald::detail {

/// `n` random characters from [0-9a-zA-Z]: client ids, epochs, node ids.
/// Not for secrets.
inline std::string random_string(std::size_t n)
{
    static constexpr char alphabet[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);

    std::string out(n, '0');
    for (char& c : out) {
        c = alphabet[pick(engine)];
    }
    return out;
}

/// A random UUID-shaped id (8-4-4-4-12 hex digits), like other servers'
/// client ids.
inline std::string random_uuid()
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20) {
            out.push_back('-');
        }
        out.push_back(hex[engine() & 0xf]);
    }
    return out;
}

} // namespace herald::detail
