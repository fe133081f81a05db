# `cmake --install` and `cpack -G DEB`: the binary, the web client, an example
# config (also as /etc/mirrorvox/mirrorvox.yaml, a conffile in the .deb), a
# hardened systemd unit with its own user (install-service.cmake), and the
# docs. Test and benchmark binaries are never installed.
include(GNUInstallDirs)

# Install and package what `cmake --build` made, without building every test
# first (cpack runs the preinstall step, which otherwise depends on `all`).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS mirrorvox RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
# The binary serves its own embedded copy; this one is for reverse proxies.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mirrorvox/web
        COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/config/mirrorvox.example.yaml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mirrorvox COMPONENT runtime)
# The unit, its user and /etc/mirrorvox/mirrorvox.yaml: paths of the final prefix.
install(CODE "set(MV_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")\nset(MV_BINARY_DIR \"${CMAKE_BINARY_DIR}\")"
        COMPONENT runtime)
install(SCRIPT ${CMAKE_SOURCE_DIR}/cmake/install-service.cmake COMPONENT runtime)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/config.md
              ${CMAKE_SOURCE_DIR}/docs/realtime.md ${CMAKE_SOURCE_DIR}/docs/voiceprint.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)

# cpack -G DEB: dependencies are the Debian runtime packages of the shared
# libraries (dpkg-shlibdeps) plus the engines' data.
set(CPACK_PACKAGE_NAME mirrorvox)
set(CPACK_PACKAGE_VENDOR mirrorvox)
set(CPACK_PACKAGE_CONTACT "mirrorvox maintainers <mirrorvox@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Streaming voice-chat server: speech in, ASR, any OpenAI-compatible LLM, TTS, speech out")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# DESTDIR staging with the final prefix, so install-service.cmake sees /usr
# and puts the config in /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pocketsphinx-en-us, espeak-ng-data, adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_GENERATOR DEB)
include(CPack)
