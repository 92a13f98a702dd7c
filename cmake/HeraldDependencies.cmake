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

if(HERALD_WITH_REDIS)
    include(${CMAKE_CURRENT_LIST_DIR}/heraldHiredis.cmake)
    find_path(HERALD_REDIS_ASIO_INCLUDE_DIR asio.hpp HINTS ${HERALD_ASIO_INCLUDE_DIR})
    find_path(HERALD_MSGPACK_INCLUDE_DIR msgpack.hpp)
    if(NOT TARGET hiredis::hiredis OR NOT HERALD_REDIS_ASIO_INCLUDE_DIR
            OR NOT HERALD_MSGPACK_INCLUDE_DIR)
        message(FATAL_ERROR
            "herald: the Redis broker needs hiredis, standalone Asio and msgpack-c "
            "(Debian: libhiredis-dev libasio-dev libmsgpack-cxx-dev). "
            "Set HERALD_WITH_REDIS=OFF to build without it.")
    endif()

    # Build-only like herald_detail_websocketpp. msgpack-c is used without its
    # CMake package, whose Debian build insists on Boost; herald needs none.
    if(NOT TARGET herald_detail_redis)
        add_library(herald_detail_redis INTERFACE)
        add_library(herald::detail_redis ALIAS herald_detail_redis)
        target_include_directories(herald_detail_redis SYSTEM INTERFACE
            $<BUILD_INTERFACE:${HERALD_REDIS_ASIO_INCLUDE_DIR}>
            $<BUILD_INTERFACE:${HERALD_MSGPACK_INCLUDE_DIR}>)
        target_compile_definitions(herald_detail_redis INTERFACE
            $<BUILD_INTERFACE:ASIO_STANDALONE>
            $<BUILD_INTERFACE:MSGPACK_NO_BOOST>)
        target_link_libraries(herald_detail_redis INTERFACE
            $<BUILD_INTERFACE:Threads::Threads>)
    endif()
endif()
