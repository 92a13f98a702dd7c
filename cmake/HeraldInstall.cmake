# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The herald authors
#
# Install rules and the CMake package: headers, the static libraries, the
# export set `heraldTargets` (namespace herald::), heraldConfig.cmake,
# heraldConfigVersion.cmake, herald.pc, and a build-tree export so that a
# build directory can be used as herald_DIR. Included from the top-level
# CMakeLists.txt after every library target exists, when HERALD_INSTALL is ON.

include(CMakePackageConfigHelpers)

set(_herald_cmakedir "${CMAKE_INSTALL_LIBDIR}/cmake/herald")
set(_herald_staging "${PROJECT_BINARY_DIR}/herald-package")

# What each export holds. The build tree also exports the build-only
# websocketpp/Asio target: its export keeps $<BUILD_INTERFACE> contents, so
# herald_websocket's link-only reference to it must resolve there. The
# installed package never mentions it.
set(_herald_exported_INSTALL herald_core)
if(HERALD_WITH_WEBSOCKETPP)
    list(APPEND _herald_exported_INSTALL herald_websocket)
endif()
if(HERALD_WITH_REDIS)
    list(APPEND _herald_exported_INSTALL herald_redis)
endif()
list(APPEND _herald_exported_INSTALL herald_all)
set(_herald_exported_BUILD ${_herald_exported_INSTALL})
if(TARGET herald_detail_websocketpp)
    set_target_properties(herald_detail_websocketpp PROPERTIES EXPORT_NAME detail_websocketpp)
    list(APPEND _herald_exported_BUILD herald_detail_websocketpp)
endif()
if(TARGET herald_detail_redis)
    set_target_properties(herald_detail_redis PROPERTIES EXPORT_NAME detail_redis)
    list(APPEND _herald_exported_BUILD herald_detail_redis)
endif()

# Every imported target a herald library may link, with the find_dependency()
# arguments that recreate it for a consumer and its pkg-config module. The
# libraries are static, so even PRIVATE dependencies reach the consumer's
# link line ($<LINK_ONLY:...>) and must exist there. A dependency missing
# from this table stops the configuration (see _herald_link_dependencies).
set(_herald_find_Threads::Threads "Threads")
set(_herald_pc_Threads::Threads "") # the flag comes from CMAKE_THREAD_LIBS_INIT
set(_herald_find_OpenSSL::Crypto "OpenSSL COMPONENTS Crypto")
set(_herald_pc_OpenSSL::Crypto "libcrypto")
set(_herald_find_OpenSSL::SSL "OpenSSL COMPONENTS SSL")
set(_herald_pc_OpenSSL::SSL "libssl")
set(_herald_find_fmt::fmt "fmt CONFIG")
set(_herald_pc_fmt::fmt "fmt")
set(_herald_find_nlohmann_json::nlohmann_json "nlohmann_json CONFIG")
set(_herald_pc_nlohmann_json::nlohmann_json "nlohmann_json")
# hiredis has no find_package() everywhere (Debian 0.14 ships variables
# only): the config includes herald's own shim, installed next to it.
string(CONCAT _herald_code_hiredis::hiredis
    "include(\"\${CMAKE_CURRENT_LIST_DIR}/heraldHiredis.cmake\")\n"
    "if(NOT TARGET hiredis::hiredis)\n"
    "    set(herald_FOUND FALSE)\n"
    "    set(herald_NOT_FOUND_MESSAGE \"herald::redis needs hiredis \"\n"
    "        \"(a hiredis CMake package or the pkg-config module hiredis)\")\n"
    "    return()\n"
    "endif()")
set(_herald_find_hiredis::hiredis "")
set(_herald_pc_hiredis::hiredis "hiredis")

# Sets `out_var` to the imported targets that `target`'s link interface names
# in the export `mode` (INSTALL or BUILD), and `out_plain` to plain library
# names. Fails on anything the package could not recreate, so a new
# dependency cannot silently produce a config that breaks consumers.
function(_herald_link_dependencies target mode out_var out_plain)
    get_target_property(items ${target} INTERFACE_LINK_LIBRARIES)
    if(NOT items)
        set(items "")
    endif()
    set(deps "")
    set(plain "")
    foreach(item IN LISTS items)
        if(item MATCHES "^\\$<LINK_ONLY:(.*)>$")
            set(item "${CMAKE_MATCH_1}")
        endif()
        if(item MATCHES "^\\$<BUILD_INTERFACE:(.*)>$")
            if(mode STREQUAL "INSTALL")
                continue()
            endif()
            set(item "${CMAKE_MATCH_1}")
        elseif(item MATCHES "^\\$<INSTALL_INTERFACE:(.*)>$")
            if(mode STREQUAL "BUILD")
                continue()
            endif()
            set(item "${CMAKE_MATCH_1}")
        endif()
        if(item STREQUAL "")
            continue()
        endif()
        if(item MATCHES "\\$<")
            message(FATAL_ERROR "herald: cannot tell what ${target} links through `${item}`; "
                "teach cmake/HeraldInstall.cmake about this generator expression")
        endif()

        if(TARGET "${item}")
            get_target_property(real "${item}" ALIASED_TARGET)
            if(NOT real)
                set(real "${item}")
            endif()
            if(real IN_LIST _herald_exported_${mode})
                continue()
            endif()
            get_target_property(imported "${real}" IMPORTED)
            if(NOT imported)
                message(FATAL_ERROR "herald: ${target} links ${item}, which is not "
                    "exported; wrap it in $<BUILD_INTERFACE:...> if it is build-only")
            endif()
            if(NOT DEFINED _herald_find_${item})
                message(FATAL_ERROR "herald: ${target} links ${item}; add it to the "
                    "dependency table in cmake/HeraldInstall.cmake so that "
                    "heraldConfig.cmake finds it for consumers")
            endif()
            list(APPEND deps "${item}")
        elseif(item MATCHES "::")
            message(FATAL_ERROR "herald: ${target} links ${item}, which is not a target")
        else()
            list(APPEND plain "${item}")
        endif()
    endforeach()
    set(${out_var} "${deps}" PARENT_SCOPE)
    set(${out_plain} "${plain}" PARENT_SCOPE)
endfunction()

# The find_dependency() calls of one export, in first-use order.
function(_herald_config_dependencies mode out_var)
    set(all "")
    foreach(target IN LISTS _herald_exported_${mode})
        _herald_link_dependencies(${target} ${mode} deps plain)
        list(APPEND all ${deps})
    endforeach()
    list(REMOVE_DUPLICATES all)
    set(code "")
    foreach(dep IN LISTS all)
        if(DEFINED _herald_code_${dep})
            string(APPEND code "${_herald_code_${dep}}\n")
        else()
            string(APPEND code "find_dependency(${_herald_find_${dep}})\n")
        endif()
    endforeach()
    set(${out_var} "${code}" PARENT_SCOPE)
endfunction()

# Warning or sanitizer flags in an exported interface would be forced on
# every consumer; herald_set_warnings() keeps them PRIVATE, and this holds
# everyone else to it.
foreach(_herald_target IN LISTS _herald_exported_INSTALL)
    get_target_property(_herald_options ${_herald_target} INTERFACE_COMPILE_OPTIONS)
    if(_herald_options AND _herald_options MATCHES "(^|;)(-W|/W|-fsanitize)")
        message(FATAL_ERROR "herald: ${_herald_target} exports compile options "
            "`${_herald_options}`; make them PRIVATE")
    endif()
endforeach()

# --- Install ------------------------------------------------------------------
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/herald"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    FILES_MATCHING PATTERN "*.hpp")

install(TARGETS ${_herald_exported_INSTALL}
    EXPORT heraldTargets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

install(EXPORT heraldTargets
    NAMESPACE herald::
    FILE heraldTargets.cmake
    DESTINATION "${_herald_cmakedir}")

# The MIT license asks for the notice to travel with every copy, and a static
# library is one.
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# --- CMake package -------------------------------------------------------------
# 0.x releases may break the API in any minor version.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(_herald_compatibility SameMinorVersion)
else()
    set(_herald_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}"
    COMPATIBILITY ${_herald_compatibility})

_herald_config_dependencies(INSTALL HERALD_CONFIG_DEPENDENCIES)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/heraldConfig.cmake.in"
    "${_herald_staging}/heraldConfig.cmake"
    INSTALL_DESTINATION "${_herald_cmakedir}")

install(FILES
    "${_herald_staging}/heraldConfig.cmake"
    "${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake"
    "${PROJECT_SOURCE_DIR}/cmake/heraldHiredis.cmake"
    DESTINATION "${_herald_cmakedir}")

# The build tree as a package: -Dherald_DIR=<this build directory>.
_herald_config_dependencies(BUILD HERALD_CONFIG_DEPENDENCIES)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/heraldConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/heraldConfig.cmake"
    INSTALL_DESTINATION "${PROJECT_BINARY_DIR}"
    INSTALL_PREFIX "${PROJECT_BINARY_DIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/heraldHiredis.cmake"
    "${PROJECT_BINARY_DIR}/heraldHiredis.cmake" COPYONLY)
export(TARGETS ${_herald_exported_BUILD}
    NAMESPACE herald::
    FILE "${PROJECT_BINARY_DIR}/heraldTargets.cmake")

# --- pkg-config ----------------------------------------------------------------
# One module for everything built (like herald::herald). The archives are
# static, so their dependencies go to Requires and Libs rather than the
# .private fields, which pkg-config only reads with --static.
set(HERALD_PC_REQUIRES "")
set(HERALD_PC_LIBS "")
set(_herald_pc_extra "")
foreach(_herald_target IN LISTS _herald_exported_INSTALL)
    get_target_property(_herald_type ${_herald_target} TYPE)
    if(_herald_type STREQUAL "STATIC_LIBRARY")
        get_target_property(_herald_name ${_herald_target} OUTPUT_NAME)
        # Dependents first, as a single-pass linker needs.
        string(PREPEND HERALD_PC_LIBS "-l${_herald_name} ")
    endif()
    _herald_link_dependencies(${_herald_target} INSTALL _herald_deps _herald_plain)
    foreach(_herald_dep IN LISTS _herald_deps)
        if(_herald_pc_${_herald_dep})
            list(APPEND HERALD_PC_REQUIRES "${_herald_pc_${_herald_dep}}")
        endif()
    endforeach()
    foreach(_herald_lib IN LISTS _herald_plain)
        if(_herald_lib MATCHES "^-")
            list(APPEND _herald_pc_extra "${_herald_lib}")
        else()
            list(APPEND _herald_pc_extra "-l${_herald_lib}")
        endif()
    endforeach()
endforeach()
if(CMAKE_THREAD_LIBS_INIT)
    list(APPEND _herald_pc_extra "${CMAKE_THREAD_LIBS_INIT}")
endif()
list(REMOVE_DUPLICATES HERALD_PC_REQUIRES)
list(REMOVE_DUPLICATES _herald_pc_extra)
list(JOIN HERALD_PC_REQUIRES ", " HERALD_PC_REQUIRES)
list(JOIN _herald_pc_extra " " _herald_pc_extra)
string(APPEND HERALD_PC_LIBS "${_herald_pc_extra}")
string(STRIP "${HERALD_PC_LIBS}" HERALD_PC_LIBS)

# Paths relative to the .pc file keep the prefix relocatable (cmake --install
# --prefix, vcpkg, a tarball); absolute install dirs are used as given.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(HERALD_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
    set(HERALD_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
    set(HERALD_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
    file(RELATIVE_PATH _herald_up "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
    string(REGEX REPLACE "/$" "" _herald_up "${_herald_up}")
    set(HERALD_PC_PREFIX "\${pcfiledir}/${_herald_up}")
    set(HERALD_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(HERALD_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/herald.pc.in"
    "${_herald_staging}/herald.pc" @ONLY)
install(FILES "${_herald_staging}/herald.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
