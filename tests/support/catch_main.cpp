// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#define CATCH_CONFIG_MAIN
#include "catch.hpp"
