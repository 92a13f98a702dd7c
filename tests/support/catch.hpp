// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

// Catch2 v3 where installed (vcpkg, Conan), v2 otherwise (Debian 12).
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
