# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The herald authors
#
# Makes sure the imported target hiredis::hiredis exists. Used by herald's own
# build and installed next to heraldConfig.cmake, which includes it for
# consumers of herald::redis. hiredis 1.x (vcpkg, Conan) ships a CMake
# package with that target; Debian's 0.14 ships only variables, so the
# pkg-config module `hiredis` stands in.

if(NOT TARGET hiredis::hiredis)
    find_package(hiredis CONFIG QUIET)
endif()
if(NOT TARGET hiredis::hiredis)
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(HERALD_HIREDIS QUIET IMPORTED_TARGET hiredis)
    endif()
    if(TARGET PkgConfig::HERALD_HIREDIS)
        add_library(hiredis::hiredis INTERFACE IMPORTED)
        set_target_properties(hiredis::hiredis PROPERTIES
            INTERFACE_LINK_LIBRARIES PkgConfig::HERALD_HIREDIS)
    endif()
endif()
