#include "net/http-url.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace mv {
namespace {

TEST(HttpUrlTest, ParsesTheParts) {
  struct Case {
    const char* url;
    bool tls;
    const char* host;
    int port;
    const char* target;
    const char* host_header;
  };
  const Case cases[] = {
      {"http://127.0.0.1:11434/v1/chat/completions", false, "127.0.0.1", 11434,
       "/v1/chat/completions", "127.0.0.1:11434"},
      {"https://api.openai.com/v1", true, "api.openai.com", 443, "/v1", "api.openai.com"},
      {"HTTPS://Example.com:8443", true, "Example.com", 8443, "/", "Example.com:8443"},
      {"http://h/p?a=1&b=%20", false, "h", 80, "/p?a=1&b=%20", "h"},
      {"http://[::1]:8080/x", false, "::1", 8080, "/x", "[::1]:8080"},
      {"http://h:80/", false, "h", 80, "/", "h"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    HttpUrl u = HttpUrl::Parse(c.url);
    EXPECT_EQ(u.tls, c.tls);
    EXPECT_EQ(u.host, c.host);
    EXPECT_EQ(u.port, c.port);
    EXPECT_EQ(u.target, c.target);
    EXPECT_EQ(u.HostHeader(), c.host_header);
  }
  EXPECT_EQ(HttpUrl::Parse("http://u:p%40ss@h/").userinfo, "u:p%40ss");
  EXPECT_TRUE(HttpUrl::Parse("http://10.0.0.1/").host_is_ip());
  EXPECT_FALSE(HttpUrl::Parse("http://localhost/").host_is_ip());
  EXPECT_EQ(HttpUrl::Parse("http://[::1]:9/").Authority(), "[::1]:9");
}

TEST(HttpUrlTest, RejectsWhatCannotBeFetched) {
  for (const char* url : {"", "localhost:8080/v1", "ftp://h/x", "http://", "http://h:0/",
                          "http://h:99999/", "http://h:12ab/", "not a url"}) {
    SCOPED_TRACE(url);
    try {
      HttpUrl::Parse(url);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      EXPECT_EQ(e.code(), "bad_url");
    }
  }
}

}  // namespace
}  // namespace mv
