# The web client (web/) compiled into the binary: a .cc generated at build
# time from the files there, in a small library of its own so a change in
# web/ recompiles one file and relinks.
file(GLOB MV_WEB_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*)
set(MV_WEB_ASSETS_CC ${CMAKE_BINARY_DIR}/generated/web-assets-data.cc)
add_custom_command(
  OUTPUT ${MV_WEB_ASSETS_CC}
  COMMAND ${CMAKE_COMMAND} -DDIR=${CMAKE_SOURCE_DIR}/web -DOUT=${MV_WEB_ASSETS_CC}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed-web.cmake
  DEPENDS ${MV_WEB_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed-web.cmake
  COMMENT "Embedding web/ into the binary"
  VERBATIM)
add_library(mv_web_assets STATIC ${MV_WEB_ASSETS_CC})
target_include_directories(mv_web_assets PUBLIC ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(mv_routes PUBLIC mv_web_assets)
