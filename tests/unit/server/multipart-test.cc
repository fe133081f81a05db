#include "server/multipart.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "support/test-http.h"

namespace mv {
namespace {

const std::string kType = "multipart/form-data; boundary=XyZ";

TEST(Multipart, ParsesFieldsAndFiles) {
  std::string body = mvtest::BuildMultipart(
      {{"language", "english", "", ""},
       {"audio", std::string("RIFF\0\r\n--Xy binary", 18), "q.wav", "audio/wav"}},
      "XyZ");
  auto form = MultipartForm::Parse(kType, body);
  ASSERT_EQ(form.parts().size(), 2u);
  EXPECT_EQ(form.Value("language"), "english");
  const FormPart* audio = form.Find("audio");
  ASSERT_NE(audio, nullptr);
  EXPECT_EQ(audio->filename, "q.wav");
  EXPECT_EQ(audio->content_type, "audio/wav");
  EXPECT_EQ(audio->data, std::string("RIFF\0\r\n--Xy binary", 18));
  EXPECT_FALSE(form.Value("missing").has_value());
}

TEST(Multipart, QuotedBoundaryAndSemicolonInFilename) {
  std::string body = mvtest::BuildMultipart({{"f", "x", "a;b.wav", ""}}, "b b");
  auto form = MultipartForm::Parse("multipart/form-data; boundary=\"b b\"", body);
  EXPECT_EQ(form.Find("f")->filename, "a;b.wav");
}

TEST(Multipart, RejectsBrokenBodies) {
  std::string good = mvtest::BuildMultipart({{"audio", "data", "a.wav", ""}}, "XyZ");
  for (const std::string& body :
       {std::string(), std::string("no boundary here"), good.substr(0, good.size() / 2),
        std::string("--XyZ\r\nContent-Type: x\r\n\r\ndata\r\n--XyZ--"),
        std::string("--XyZ garbage")}) {
    try {
      MultipartForm::Parse(kType, body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    }
  }
  EXPECT_THROW(MultipartForm::Parse("application/json", good), Error);
  EXPECT_THROW(MultipartForm::Parse("multipart/form-data", good), Error);
}

}  // namespace
}  // namespace mv
