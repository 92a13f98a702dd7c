// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#include <herald/error.hpp>

#include "protocol.hpp"

#include <string>
#include <system_error>

namespace herald {
namespace {

class Category final : public std::error_category {
public:
    const char* name() const noexcept override { return "herald"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::invalid_options: return "invalid options";
        case errc::shut_down: return "hub is shut down";
        case errc::broker_unavailable: return "broker unavailable";
        default: return std::string(detail::error_message(static_cast<std::uint32_t>(value)));
        }
    }
};

} // namespace

const std::error_category& error_category() noexcept
{
    static const Category category;
    return category;
}

std::uint32_t protocol_code(std::error_code ec) noexcept
{
    if (ec.category() == error_category() && ec.value() >= 100 && ec.value() < 1000) {
        return static_cast<std::uint32_t>(ec.value());
    }
    return static_cast<std::uint32_t>(errc::internal);
}

bool is_temporary(std::error_code ec) noexcept
{
    std::uint32_t code = protocol_code(ec);
    return code == static_cast<std::uint32_t>(errc::internal) ||
           code == static_cast<std::uint32_t>(errc::too_many_requests);
}

namespace detail {

void throw_error(std::error_code ec, const char* what)
{
    throw std::system_error(ec, what);
}

} // namespace detail
} // namespace herald
