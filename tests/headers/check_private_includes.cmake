# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The herald authors
#
# cmake -DCXX=<g++|clang++> -DINCLUDE_DIR=<include> -DWORK_DIR=<dir> -P <this>
# Fails when any public header under INCLUDE_DIR/herald reaches, directly or
# through another header, one of herald's private dependencies.

foreach(_var CXX INCLUDE_DIR WORK_DIR)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "check_private_includes: -D${_var}=... is required")
    endif()
endforeach()

# Path components that only herald's sources may include.
set(_forbidden "/(websocketpp|asio|nlohmann|openssl|fmt|msgpack|hiredis|boost)/|/asio\\.hpp$")

file(GLOB_RECURSE _headers RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/herald/*.hpp")
if(NOT _headers)
    message(FATAL_ERROR "check_private_includes: no headers under ${INCLUDE_DIR}/herald")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}")

set(_failures "")
foreach(_header IN LISTS _headers)
    string(REGEX REPLACE "[/.]" "_" _stem "${_header}")
    set(_tu "${WORK_DIR}/${_stem}.cpp")
    file(WRITE "${_tu}" "#include <${_header}>\n")
    execute_process(
        COMMAND "${CXX}" -std=c++17 "-I${INCLUDE_DIR}" -M "${_tu}"
        RESULT_VARIABLE _rc
        OUTPUT_VARIABLE _deps
        ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "check_private_includes: ${CXX} -M failed on ${_header}:\n${_err}")
    endif()
    # -M prints "target: dep dep \" lines; split them into one path each.
    string(REGEX REPLACE "[ \t\r\n\\\\]+" ";" _deps "${_deps}")
    set(_seen 0)
    foreach(_dep IN LISTS _deps)
        # herald's own headers, the generated TU and the make target are not
        # judged (their paths may contain anything).
        string(FIND "${_dep}" "${INCLUDE_DIR}/" _pos)
        if(_pos EQUAL 0)
            math(EXPR _seen "${_seen} + 1")
            continue()
        endif()
        if(_dep STREQUAL "${_tu}" OR _dep MATCHES ":$")
            continue()
        endif()
        if(_dep MATCHES "${_forbidden}")
            list(APPEND _failures "${_header} -> ${_dep}")
        endif()
    endforeach()
    # A dependency list without the header itself would make this check vacuous.
    if(_seen EQUAL 0)
        message(FATAL_ERROR "check_private_includes: no herald header in the -M output "
            "for ${_header}; cannot judge it")
    endif()
endforeach()

list(LENGTH _headers _count)
if(_failures)
    list(JOIN _failures "\n  " _list)
    message(FATAL_ERROR "public headers reach private dependencies:\n  ${_list}")
endif()
message(STATUS "${_count} public headers checked: no private dependency reached")
