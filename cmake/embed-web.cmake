# Script mode (cmake -P): writes OUT, a .cc holding every file of DIR as a
# byte array plus a table of them, for the web client the binary serves.
# Run by the build whenever a file in web/ changes (cmake/web-assets.cmake).
if(NOT DIR OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DDIR=web -DOUT=web-assets-data.cc -P embed-web.cmake")
endif()

file(GLOB files LIST_DIRECTORIES false RELATIVE ${DIR}
     ${DIR}/*.html ${DIR}/*.js ${DIR}/*.mjs ${DIR}/*.css ${DIR}/*.svg ${DIR}/*.png
     ${DIR}/*.ico ${DIR}/*.json ${DIR}/*.webmanifest ${DIR}/*.txt)
list(SORT files)

# 32 bytes per line keeps the generated file readable and quick to compile.
string(REPEAT "[0-9a-f][0-9a-f]" 32 line_pattern)
set(body "// Generated from web/ by cmake/embed-web.cmake at build time: do not edit.\n")
string(APPEND body "#include \"server/routes/web-assets.h\"\n\nnamespace mv {\nnamespace {\n\n")
set(table "")
set(index 0)
foreach(name ${files})
  file(READ ${DIR}/${name} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "(${line_pattern})" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # Empty files still need one element; the table records the real size.
  if(size EQUAL 0)
    set(bytes "0")
  endif()
  string(APPEND body "// ${name}\nconst unsigned char kFile${index}[] = {\n${bytes}};\n\n")
  string(APPEND table "    {\"${name}\", {reinterpret_cast<const char*>(kFile${index}), ${size}}},\n")
  math(EXPR index "${index} + 1")
endforeach()

string(APPEND body "}  // namespace\n\nstd::span<const WebAsset> WebAssets() {\n")
if(index EQUAL 0)
  string(APPEND body "  return {};\n}\n\n}  // namespace mv\n")
else()
  string(APPEND body "  static const WebAsset kAssets[] = {\n${table}  };\n  return kAssets;\n}\n\n}  // namespace mv\n")
endif()

# Only touch OUT when it changed, so an unchanged web/ recompiles nothing.
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL body)
  file(WRITE ${OUT} "${body}")
endif()
