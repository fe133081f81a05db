// The wenet engine against the WeNet double (PROTOCOLS.md B4): the start
// signal, double-encoded nbest, continuous decoding, failed status, a server
// that stops early, failover.
#include "asr/asr-wenet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake-wenet-server.h"
#include "remote-asr-util.h"
#include "support/wer.h"

namespace mv {
namespace {

using mvtest::FakeWenetFault;
using mvtest::FakeWenetOptions;
using mvtest::FakeWenetServer;
using test::ErrorOf;
using ::testing::HasSubstr;

AsrConfig Wenet(const std::vector<std::string>& urls) { return test::RemoteConfig("wenet", urls); }

FakeWenetOptions Reply(const std::string& text) {
  FakeWenetOptions o;
  o.reply = text;
  return o;
}

TEST(AsrWenet, TranscribesTheAudioTheServerReceived) {
  FakeWenetServer server;
  AsrWenet asr(Wenet({server.url()}));
  AudioBuffer audio = test::Spoken(test::kKitchen);
  std::string text = asr.Transcribe(audio, {}).text;
  EXPECT_LE(WordErrorRate(test::kKitchen, text), 0.2) << text;
  auto s = server.sessions().at(0);
  EXPECT_EQ(s.audio_bytes, audio.samples.size() * 2);
  EXPECT_TRUE(s.got_end);
  EXPECT_EQ(s.start,
            nlohmann::json({{"signal", "start"}, {"nbest", 1}, {"continuous_decoding", false}}));
  // The quirk the engine decodes twice: nbest is a string holding JSON.
  EXPECT_EQ(s.sent.front()["type"], "server_ready");
  bool saw_final = false;
  for (const auto& m : s.sent)
    if (m["type"] == "final_result") {
      saw_final = true;
      EXPECT_TRUE(m["nbest"].is_string());
    }
  EXPECT_TRUE(saw_final);
}

TEST(AsrWenet, NbestAskedForIsSentAndTheBestIsKept) {
  FakeWenetServer server(Reply("add milk and eggs"));
  AsrConfig config = Wenet({server.url()});
  config.wenet.nbest = 3;
  AsrWenet asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "add milk and eggs");
  EXPECT_EQ(server.sessions().at(0).start["nbest"], 3);
}

TEST(AsrWenet, ContinuousDecodingJoinsEveryFinalResult) {
  FakeWenetServer server(Reply("send a message to john saying i will be late"));
  AsrConfig config = Wenet({server.url()});
  config.wenet.continuous_decoding = true;
  AsrWenet asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text,
            "send a message to john saying i will be late");
  int finals = 0;
  const auto sent = server.sessions().at(0).sent;
  for (const auto& m : sent) finals += m["type"] == "final_result";
  EXPECT_EQ(finals, 2);
}

TEST(AsrWenet, ChineseSentencesJoinWithoutSpaces) {
  FakeWenetServer server(Reply("今天 天气 很好"));  // the double splits at the middle word
  AsrConfig config = Wenet({server.url()});
  config.wenet.continuous_decoding = true;
  AsrWenet asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "今天天气 很好");
}

TEST(AsrWenet, FailedStatusIsAnUpstreamErrorWithTheMessage) {
  FakeWenetServer server;
  server.SetFault(FakeWenetFault::kFailed);
  AsrWenet asr(Wenet({server.url()}));
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kUpstream);
  EXPECT_EQ(e.code(), "wenet_failed");
  EXPECT_THAT(e.what(), HasSubstr("decoder error"));
}

TEST(AsrWenet, AServerThatStopsAtThePauseIsNotAnError) {
  FakeWenetOptions o;
  o.stop_after_audio_ms = 1000;  // answers at 1 s, then stops reading
  FakeWenetServer server(o);
  AsrWenet asr(Wenet({server.url()}));
  AudioBuffer audio = test::Spoken("how long does it take to drive to the airport");
  ASSERT_GT(audio.DurationSeconds(), 2.0);
  EXPECT_NO_THROW(asr.Transcribe(audio, {}));
  EXPECT_LT(server.sessions().at(0).audio_bytes, audio.samples.size() * 2);
}

TEST(AsrWenet, FailsOverFromFailedDroppedAndSilentServers) {
  FakeWenetServer failed, dropped, silent, good(Reply("what is the capital of france"));
  failed.SetFault(FakeWenetFault::kFailed);
  dropped.SetFault(FakeWenetFault::kDrop);
  silent.SetFault(FakeWenetFault::kSilent);
  AsrConfig config = Wenet({failed.url(), dropped.url(), silent.url(), good.url()});
  config.remote.first_byte_timeout_ms = 300;
  AsrWenet asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "what is the capital of france");
  EXPECT_EQ(asr.pool().failovers(), 3);
}

}  // namespace
}  // namespace mv
