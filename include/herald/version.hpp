// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

/// herald's version; CMake reads these three lines.
#define HERALD_VERSION_MAJOR 0
#define HERALD_VERSION_MINOR 1
#define HERALD_VERSION_PATCH 0

// Two steps, so that the macros' values are turned into text, not their names.
#define HERALD_DETAIL_STR2(x) #x
#define HERALD_DETAIL_STR(x) HERALD_DETAIL_STR2(x)

namespace herald {

/// The library version as "MAJOR.MINOR.PATCH".
inline constexpr const char* version_string = HERALD_DETAIL_STR(HERALD_VERSION_MAJOR) "."
    HERALD_DETAIL_STR(HERALD_VERSION_MINOR) "." HERALD_DETAIL_STR(HERALD_VERSION_PATCH);

} // namespace herald
