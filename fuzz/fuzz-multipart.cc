#include "common/error.h"
#include "fuzz-target.h"
#include "server/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    auto form = mv::MultipartForm::Parse("multipart/form-data; boundary=B0undary", body);
    for (const auto& p : form.parts()) (void)form.Find(p.name);
  } catch (const mv::Error&) {
  }
  return 0;
}

std::vector<std::string> FuzzSeeds() {
  return {
      "--B0undary\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nenglish\r\n"
      "--B0undary\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"q.wav\"\r\n"
      "Content-Type: audio/wav\r\n\r\nRIFF....WAVE\r\n--B0undary--\r\n",
      "--B0undary\r\nContent-Disposition: form-data; name=\"a\\\"b\"; filename=\"x;y\"\r\n\r\n"
      "\r\n--B0undary--",
  };
}
