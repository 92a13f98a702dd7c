# Finds herald's dependencies and gives each one a target name that does not
# depend on how the platform packaged it.

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.9 CONFIG REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(fmt CONFIG REQUIRED)

if(HERALD_WITH_WEBSOCKETPP)
    find_package(websocketpp CONFIG QUIET)
    find_path(HERALD_WEBSOCKETPP_INCLUDE_DIR websocketpp/server.hpp
        HINTS ${WEBSOCKETPP_INCLUDE_DIR})
    find_path(HERALD_ASIO_INCLUDE_DIR asio.hpp)
    if(NOT HERALD_WEBSOCKETPP_INCLUDE_DIR OR NOT HERALD_ASIO_INCLUDE_DIR)
        message(FATAL_ERROR
            "herald: the WebSocket transport needs websocketpp and standalone Asio "
            "(Debian: libwebsocketpp-dev libasio-dev). "
            "Set HERALD_WITH_WEBSOCKETPP=OFF to build without it.")
    endif()

    # A private, build-only target: websocketpp and Asio never reach a
    # consumer's compile line through herald's public targets.
    if(NOT TARGET herald_detail_websocketpp)
        add_library(herald_detail_websocketpp INTERFACE)
        add_library(herald::detail_websocketpp ALIAS herald_detail_websocketpp)
        target_include_directories(herald_detail_websocketpp SYSTEM INTERFACE
            $<BUILD_INTERFACE:${HERALD_WEBSOCKETPP_INCLUDE_DIR}>
            $<BUILD_INTERFACE:${HERALD_ASIO_INCLUDE_DIR}>)
        target_compile_definitions(herald_detail_websocketpp INTERFACE
            $<BUILD_INTERFACE:ASIO_STANDALONE>
            $<BUILD_INTERFACE:_WEBSOCKETPP_CPP11_STL_>)
        target_link_libraries(herald_detail_websocketpp INTERFACE
            $<BUILD_INTERFACE:Threads::Threads>)
    endif()
endif()
