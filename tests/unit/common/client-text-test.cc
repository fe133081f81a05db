#include "common/client-text.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace {

TEST(ClientTextTest, KeepsValidUtf8AndEscapesTheRest) {
  EXPECT_EQ(mv::QuotableText("hello"), "hello");
  EXPECT_EQ(mv::QuotableText("你好"), "你好");
  EXPECT_EQ(mv::QuotableText("zz\xff\xfe"), "zz\\xff\\xfe");
  EXPECT_EQ(mv::QuotableText("a\r\nb"), "a\\x0d\\x0ab");
  EXPECT_EQ(mv::QuotableText("\xc0\xae"), "\\xc0\\xae");           // overlong '.'
  EXPECT_EQ(mv::QuotableText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(mv::QuotableText(std::string(500, 'x'), 10), "xxxxxxxxxx...");
  EXPECT_TRUE(mv::IsValidUtf8("ok 好"));
  EXPECT_FALSE(mv::IsValidUtf8("\xff"));
  EXPECT_FALSE(mv::IsValidUtf8("\xe4\xbd"));  // cut sequence
}

TEST(ClientTextTest, ServerSideErrorsKeepTheirDetailsToThemselves) {
  mv::Error upstream(mv::ErrorKind::kUnavailable, "llm_failed",
                     "all 2 LLM endpoints failed: [0] http://10.0.0.5:8000/v1: cannot connect");
  EXPECT_TRUE(IsServerSide(upstream));
  EXPECT_EQ(ClientMessage(upstream).find("10.0.0.5"), std::string::npos);
  EXPECT_EQ(ClientMessage(upstream).find("cannot connect"), std::string::npos);
  mv::Error internal(mv::ErrorKind::kInternal, "x", "[json.exception.type_error.316] invalid");
  EXPECT_EQ(ClientMessage(internal), "internal error");
  mv::Error mistake(mv::ErrorKind::kInvalidInput, "bad_language", "unknown language 'zz\xff'");
  EXPECT_FALSE(IsServerSide(mistake));
  EXPECT_EQ(ClientMessage(mistake), "unknown language 'zz\\xff'");
}

}  // namespace
