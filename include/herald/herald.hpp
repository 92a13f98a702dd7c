// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The herald authors
#pragma once

/// The core of herald: everything but the transports. Include
/// <herald/websocket.hpp> too for the WebSocket server.
#include <herald/broker.hpp>
#include <herald/channel.hpp>
#include <herald/error.hpp>
#include <herald/history.hpp>
#include <herald/hub.hpp>
#include <herald/log.hpp>
#include <herald/memory_broker.hpp>
#include <herald/options.hpp>
#include <herald/server_api.hpp>
#include <herald/session.hpp>
#include <herald/transport.hpp>
#include <herald/version.hpp>
