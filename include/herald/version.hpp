// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

/// herald's version; CMake reads these three lines.
#define HERALD_VERSION_MAJOR 0
#define HERALD_VERSION_MINOR 1
#define HERALD_VERSION_PATCH 0

namespace herald {

/// The library version as "MAJOR.MINOR.PATCH".
inline constexpr const char* version_string = "0.1.0";

} // namespace herald
