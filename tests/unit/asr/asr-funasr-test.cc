// The funasr engine against the FunASR double (PROTOCOLS.md B3): the start
// frame, the audio arriving intact (the double transcribes it), the three
// modes, both is_final flavours, silence, failover and cancellation.
#include "asr/asr-funasr.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "fakes/fake-funasr-server.h"
#include "net/websocket-client.h"
#include "remote-asr-util.h"
#include "support/test-net.h"
#include "support/wer.h"
#include "unit/net/tls-tunnel.h"

namespace mv {
namespace {

using mvtest::FakeFunAsrFault;
using mvtest::FakeFunAsrOptions;
using mvtest::FakeFunAsrServer;
using mvtest::FunAsrFlavour;
using test::ErrorOf;
using ::testing::HasSubstr;

AsrConfig FunAsr(const std::vector<std::string>& urls, const std::string& mode = "offline") {
  AsrConfig c = test::RemoteConfig("funasr", urls);
  c.funasr.mode = mode;
  return c;
}

FakeFunAsrOptions Reply(const std::string& text, FunAsrFlavour flavour = FunAsrFlavour::kCpp) {
  FakeFunAsrOptions o;
  o.reply = text;
  o.flavour = flavour;
  return o;
}

TEST(AsrFunAsr, OfflineTranscribesTheAudioTheServerReceived) {
  FakeFunAsrServer server;
  AsrFunAsr asr(FunAsr({server.url()}));
  AudioBuffer audio = test::Spoken(test::kKitchen);
  AsrResult r = asr.Transcribe(audio, {});
  EXPECT_LE(WordErrorRate(test::kKitchen, r.text), 0.2) << r.text;
  EXPECT_EQ(r.language, "en");
  ASSERT_EQ(server.sessions().size(), 1u);
  EXPECT_EQ(server.sessions()[0].audio_bytes, audio.samples.size() * 2);
}

// FunASR's runtime serves wss:// with a self-signed certificate unless
// started with --certfile 0: asr.verify_tls false accepts it, true refuses it.
TEST(AsrFunAsr, WssWithTheServersSelfSignedCertificate) {
  FakeFunAsrServer server;
  mvtest::TlsTunnel tls(server.port());
  const std::string url = "wss://127.0.0.1:" + std::to_string(tls.port());
  AsrConfig config = FunAsr({url});
  config.verify_tls = false;
  AsrFunAsr asr(config);
  AsrResult r = asr.Transcribe(test::Spoken(test::kKitchen), {});
  EXPECT_LE(WordErrorRate(test::kKitchen, r.text), 0.2) << r.text;
  ASSERT_EQ(server.sessions().size(), 1u);

  AsrConfig strict = FunAsr({url});
  AsrFunAsr refusing(strict);
  Error e = ErrorOf([&] { refusing.Transcribe(test::Spoken(test::kKitchen), {}); });
  EXPECT_THAT(e.what(), HasSubstr("certificate verification failed"));
  EXPECT_EQ(server.sessions().size(), 1u);  // the handshake never reached it
}

TEST(AsrFunAsr, StartFrameFramesAndCloseFollowTheProtocol) {
  FakeFunAsrServer server(Reply("ok"));
  AsrConfig config = FunAsr({server.url()});
  config.funasr.hotwords = R"({"kitchen": 20})";
  config.funasr.itn = false;
  AsrFunAsr asr(config);
  AudioBuffer audio;
  audio.samples.assign(16000, 0.0f);  // 1 s: 32000 bytes in 60 ms (1920-byte) frames
  EXPECT_EQ(asr.Transcribe(audio, {}).text, "ok");
  ASSERT_TRUE(server.WaitClientsClosed(5000));  // the client closes the socket
  auto s = server.sessions().at(0);
  EXPECT_EQ(s.start["mode"], "offline");
  EXPECT_THAT(s.start["wav_name"].get<std::string>(), HasSubstr("mirrorvox"));
  EXPECT_EQ(s.start["wav_format"], "pcm");
  EXPECT_EQ(s.start["is_speaking"], true);
  EXPECT_EQ(s.start["chunk_size"], nlohmann::json({5, 10, 5}));
  EXPECT_EQ(s.start["chunk_interval"], 10);
  EXPECT_EQ(s.start["audio_fs"], 16000);
  EXPECT_EQ(s.start["hotwords"], R"({"kitchen": 20})");
  EXPECT_EQ(s.start["itn"], false);
  EXPECT_TRUE(s.got_end);
  EXPECT_EQ(s.audio_bytes, 32000u);
  EXPECT_EQ(s.binary_frames, 17);  // ceil(32000 / 1920)
}

TEST(AsrFunAsr, TwoPassKeepsTheOfflineTextNotThePartials) {
  for (auto flavour : {FunAsrFlavour::kCpp, FunAsrFlavour::kPython}) {
    FakeFunAsrServer server(Reply("set an alarm for seven", flavour));
    AsrFunAsr asr(FunAsr({server.url()}, "2pass"));
    AudioBuffer audio;
    audio.samples.assign(3 * 16000, 0.01f);  // 3 s: partials while it arrives
    EXPECT_EQ(asr.Transcribe(audio, {}).text, "set an alarm for seven");
    auto sent = server.sessions().at(0).sent;
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent.front()["mode"], "2pass-online");  // "partial": must not be kept
    EXPECT_EQ(sent.back()["mode"], "2pass-offline");
    // The flag a client must not trust: false (C++) or true (Python) on the final.
    EXPECT_EQ(sent.back()["is_final"], flavour == FunAsrFlavour::kPython);
  }
}

TEST(AsrFunAsr, BothIsFinalFlavoursWorkOffline) {
  for (auto flavour : {FunAsrFlavour::kCpp, FunAsrFlavour::kPython}) {
    FakeFunAsrServer server(Reply("what time is it", flavour));
    AsrFunAsr asr(FunAsr({server.url()}));
    EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "what time is it");
  }
}

TEST(AsrFunAsr, OnlineModeJoinsThePieces) {
  for (auto flavour : {FunAsrFlavour::kCpp, FunAsrFlavour::kPython}) {
    FakeFunAsrServer server(Reply("tell me a joke about cats", flavour));
    AsrFunAsr asr(FunAsr({server.url()}, "online"));
    EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "tell me a joke about cats");
    EXPECT_EQ(server.sessions().at(0).sent.size(), 3u);  // three pieces of two words
  }
}

TEST(AsrFunAsr, ChineseTextComesBackIntact) {
  FakeFunAsrServer server(Reply("你好，世界"));
  AsrFunAsr asr(FunAsr({server.url()}));
  EXPECT_TRUE(asr.SupportsLanguage("zh"));
  AsrResult r = asr.TranscribeIn(test::Spoken("hi"), "zh", {});
  EXPECT_EQ(r.text, "你好，世界");
  EXPECT_EQ(r.language, "zh");
}

TEST(AsrFunAsr, SilentServerEndsInATimeoutThatSaysWhy) {
  FakeFunAsrServer server;
  server.SetFault(FakeFunAsrFault::kSilent);
  AsrConfig config = FunAsr({server.url()});
  config.remote.first_byte_timeout_ms = 300;
  AsrFunAsr asr(config);
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
  EXPECT_THAT(e.what(), HasSubstr("FunASR reports no errors"));
  EXPECT_THAT(e.what(), HasSubstr("chunk_size"));
}

TEST(AsrFunAsr, TheDoubleIsSilentOnABadChunkSizeAsTheRealServer) {
  // Config validation keeps the engine from sending one; this checks the double.
  FakeFunAsrServer server;
  auto ws = WebSocketClient::Connect(mv::TestNet(), server.url());
  ws->SendText(R"({"mode":"offline","chunk_size":[5,0,5],"wav_name":"x","is_speaking":true})");
  ws->SendBinary(std::string(3200, '\0'));
  ws->SendText(R"({"is_speaking": false})");
  EXPECT_EQ(ErrorOf([&] { ws->Receive(300); }).kind(), ErrorKind::kTimeout);
}

TEST(AsrFunAsr, FailsOverFromRefusedDroppingAndSilentServers) {
  FakeFunAsrServer dropping, silent, good(Reply("turn off the television"));
  dropping.SetFault(FakeFunAsrFault::kDrop);
  silent.SetFault(FakeFunAsrFault::kSilent);
  AsrConfig config = FunAsr({test::RefusedUrl("ws"), dropping.url(), silent.url(), good.url()});
  config.remote.first_byte_timeout_ms = 300;
  AsrFunAsr asr(config);
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "turn off the television");
  EXPECT_EQ(asr.pool().failovers(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(asr.pool().cooling_down(i)) << i;
  EXPECT_FALSE(asr.pool().cooling_down(3));
  EXPECT_EQ(asr.Transcribe(test::Spoken("hi"), {}).text, "turn off the television");
  EXPECT_EQ(asr.pool().failovers(), 3);  // the cooling ones are skipped now
}

TEST(AsrFunAsr, AllEndpointsDownIsUnavailable) {
  AsrFunAsr asr(FunAsr({test::RefusedUrl("ws")}));
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), {}); });
  EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
}

TEST(AsrFunAsr, CancelStopsAWaitForASlowServer) {
  FakeFunAsrOptions o = Reply("late");
  o.latency_ms = 10000;
  FakeFunAsrServer server(o);
  AsrFunAsr asr(FunAsr({server.url()}));
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  Error e = ErrorOf([&] { asr.Transcribe(test::Spoken("hi"), cancel); });
  canceller.join();
  EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  EXPECT_LT(test::MsSince(start), 3000);
  EXPECT_FALSE(asr.pool().cooling_down(0));  // a cancel is nobody's failure
}

TEST(AsrFunAsr, ConcurrentRequestsEachGetTheirOwnAnswer) {
  FakeFunAsrServer server;
  AsrFunAsr asr(FunAsr({server.url()}));
  const std::vector<std::string> sentences = {test::kKitchen, "play some music in the living room"};
  std::vector<AudioBuffer> audio;
  for (const auto& s : sentences) audio.push_back(test::Spoken(s));
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { got[i] = asr.Transcribe(audio[i % 2], {}).text; });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_LE(WordErrorRate(sentences[i % 2], got[i]), 0.2) << got[i];
}

}  // namespace
}  // namespace mv
