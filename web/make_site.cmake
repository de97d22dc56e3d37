# Assembles the static site: the shell files beside crm.js and crm.wasm, and a
# service worker whose cache name is a hash of everything it caches.
# Run with -DSOURCE_DIR=... -DBUILD_DIR=... -DSITE_DIR=...
file(MAKE_DIRECTORY ${SITE_DIR})
set(hash_input "")
foreach(file ${BUILD_DIR}/crm.js ${BUILD_DIR}/crm.wasm)
  file(COPY ${file} DESTINATION ${SITE_DIR})
  file(SHA256 ${file} digest)
  string(APPEND hash_input ${digest})
endforeach()
foreach(file index.html manifest.webmanifest icon.svg)
  file(COPY ${SOURCE_DIR}/${file} DESTINATION ${SITE_DIR})
  file(SHA256 ${SOURCE_DIR}/${file} digest)
  string(APPEND hash_input ${digest})
endforeach()
string(SHA256 BUILD_HASH "${hash_input}")
string(SUBSTRING ${BUILD_HASH} 0 16 BUILD_HASH)
configure_file(${SOURCE_DIR}/sw.js ${SITE_DIR}/sw.js @ONLY)
