# Runs at install time (cmake --install, cpack), when CMAKE_INSTALL_PREFIX is
# the final one: /usr for the .deb, /usr/local by default. Writes the systemd
# unit with that prefix's paths and installs the config where the unit looks:
# /etc/mirrorvox for /usr (Debian's rule for /etc), <prefix>/etc/mirrorvox else.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(MV_CONF_DIR /etc/mirrorvox)
else()
  set(MV_CONF_DIR ${CMAKE_INSTALL_PREFIX}/etc/mirrorvox)
endif()
set(MV_BIN_DIR ${CMAKE_INSTALL_PREFIX}/bin)
set(MV_DOC_DIR ${CMAKE_INSTALL_PREFIX}/share/doc/mirrorvox)
configure_file(${MV_SOURCE_DIR}/packaging/mirrorvox.service.in
               ${MV_BINARY_DIR}/packaging/mirrorvox.service @ONLY)
file(INSTALL ${MV_BINARY_DIR}/packaging/mirrorvox.service
     DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
file(INSTALL ${MV_SOURCE_DIR}/packaging/mirrorvox.sysusers
     DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d RENAME mirrorvox.conf)
# An admin's edited config is never overwritten by a reinstall.
if(EXISTS "$ENV{DESTDIR}${MV_CONF_DIR}/mirrorvox.yaml")
  message(STATUS "Keeping: $ENV{DESTDIR}${MV_CONF_DIR}/mirrorvox.yaml")
else()
  file(INSTALL ${MV_SOURCE_DIR}/config/mirrorvox.example.yaml DESTINATION ${MV_CONF_DIR}
       RENAME mirrorvox.yaml)
endif()
