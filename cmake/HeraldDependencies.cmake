# Finds herald's dependencies and gives each one a target name that does not
# depend on how the platform packaged it.

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.9 CONFIG REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(fmt CONFIG REQUIRED)

# A private, build-only INTERFACE target herald_detail_<name> (alias
# herald::detail_<name>) with `INCLUDES` as system include directories and
# `DEFINES` as compile definitions: headers such as websocketpp, Asio and
# msgpack-c never reach a consumer's compile line through herald's public
# targets.
function(_herald_detail_target name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "INCLUDES;DEFINES")
    set(target herald_detail_${name})
    if(TARGET ${target})
        return()
    endif()
    add_library(${target} INTERFACE)
    add_library(herald::detail_${name} ALIAS ${target})
    foreach(dir IN LISTS arg_INCLUDES)
        target_include_directories(${target} SYSTEM INTERFACE $<BUILD_INTERFACE:${dir}>)
    endforeach()
    foreach(def IN LISTS arg_DEFINES)
        target_compile_definitions(${target} INTERFACE $<BUILD_INTERFACE:${def}>)
    endforeach()
    target_link_libraries(${target} INTERFACE $<BUILD_INTERFACE:Threads::Threads>)
endfunction()

# Standalone Asio serves both the transport and the Redis broker.
if(HERALD_WITH_WEBSOCKETPP OR HERALD_WITH_REDIS)
    find_path(HERALD_ASIO_INCLUDE_DIR asio.hpp)
endif()

if(HERALD_WITH_WEBSOCKETPP)
    find_package(websocketpp CONFIG QUIET)
    find_path(HERALD_WEBSOCKETPP_INCLUDE_DIR websocketpp/server.hpp
        HINTS ${WEBSOCKETPP_INCLUDE_DIR})
    if(NOT HERALD_WEBSOCKETPP_INCLUDE_DIR OR NOT HERALD_ASIO_INCLUDE_DIR)
        message(FATAL_ERROR
            "herald: the WebSocket transport needs websocketpp and standalone Asio "
            "(Debian: libwebsocketpp-dev libasio-dev). "
            "Set HERALD_WITH_WEBSOCKETPP=OFF to build without it.")
    endif()
    _herald_detail_target(websocketpp
        INCLUDES ${HERALD_WEBSOCKETPP_INCLUDE_DIR} ${HERALD_ASIO_INCLUDE_DIR}
        DEFINES ASIO_STANDALONE _WEBSOCKETPP_CPP11_STL_)
endif()

if(HERALD_WITH_REDIS)
    include(${CMAKE_CURRENT_LIST_DIR}/heraldHiredis.cmake)
    find_path(HERALD_MSGPACK_INCLUDE_DIR msgpack.hpp)
    if(NOT TARGET hiredis::hiredis OR NOT HERALD_ASIO_INCLUDE_DIR
            OR NOT HERALD_MSGPACK_INCLUDE_DIR)
        message(FATAL_ERROR
            "herald: the Redis broker needs hiredis, standalone Asio and msgpack-c "
            "(Debian: libhiredis-dev libasio-dev libmsgpack-cxx-dev). "
            "Set HERALD_WITH_REDIS=OFF to build without it.")
    endif()
    # msgpack-c is used without its CMake package, whose Debian build insists
    # on Boost; herald needs none.
    _herald_detail_target(redis
        INCLUDES ${HERALD_ASIO_INCLUDE_DIR} ${HERALD_MSGPACK_INCLUDE_DIR}
        DEFINES ASIO_STANDALONE MSGPACK_NO_BOOST)
endif()

# Batched submission of the WebSocket transport's writes (io_uring through
# liburing, Debian's liburing-dev). AUTO uses it when found; ON insists. The
# library is linked by its plain name, so an installed herald asks its
# consumers for -luring and nothing else.
function(herald_use_io_uring target)
    if(HERALD_WITH_IO_URING STREQUAL "OFF")
        return()
    endif()
    find_path(HERALD_LIBURING_INCLUDE_DIR liburing.h)
    find_library(HERALD_LIBURING_LIBRARY NAMES uring)
    if(NOT HERALD_LIBURING_INCLUDE_DIR OR NOT HERALD_LIBURING_LIBRARY)
        if(HERALD_WITH_IO_URING STREQUAL "ON")
            message(FATAL_ERROR "HERALD_WITH_IO_URING=ON needs liburing (liburing-dev)")
        endif()
        message(STATUS "herald: liburing not found; WebSocket writes use sendmsg only")
        return()
    endif()
    message(STATUS "herald: WebSocket fan-out writes through io_uring (liburing)")
    target_compile_definitions(${target} PRIVATE HERALD_HAVE_IO_URING)
    target_include_directories(${target} PRIVATE "${HERALD_LIBURING_INCLUDE_DIR}")
    target_link_libraries(${target} PRIVATE uring)
endfunction()
