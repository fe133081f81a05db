// flite speaks everyday assistant requests in several voices; pocketsphinx
// must recognise them. Measures WER per voice and overall.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>

#include "asr/pocketsphinx-stream.h"
#include "shared-asr.h"
#include "support/test-sentences.h"
#include "support/wer.h"

namespace mv {
namespace {

struct Utterance {
  std::string voice;
  std::string reference;
  AudioBuffer audio;
  std::string hypothesis;
};

struct Tally {
  std::size_t edits = 0;
  std::size_t words = 0;
  double Rate() const { return words ? static_cast<double>(edits) / words : 0.0; }
};

TEST(AsrRoundTrip, FliteVoicesRecognisedWithLowWordErrorRate) {
  // kal is 8 kHz and would need resampling; the 16 kHz voices cover the rest.
  const std::vector<std::string> voices = {"slt", "rms", "awb", "kal16"};
  // flite's clustergen voices (slt, rms, awb) draw excitation noise from
  // rand(): seeding makes the audio, and so the WER, reproducible.
  std::srand(1);
  std::vector<Utterance> utterances;
  for (const std::string& voice : voices) {
    for (const char* sentence : test::kAssistantSentences) {
      utterances.push_back({voice, sentence, test::Speak(sentence, voice), ""});
    }
  }
  // Two workers keep both pooled decoders busy.
  auto work = [&](std::size_t first) {
    for (std::size_t i = first; i < utterances.size(); i += 2) {
      utterances[i].hypothesis = test::SharedAsr().Transcribe(utterances[i].audio, {}).text;
    }
  };
  auto other = std::async(std::launch::async, work, 1);
  work(0);
  other.get();

  std::map<std::string, Tally> per_voice;
  Tally overall;
  for (const Utterance& u : utterances) {
    const std::size_t edits = WordEditDistance(u.reference, u.hypothesis);
    const std::size_t words = NormalizeWords(u.reference).size();
    per_voice[u.voice].edits += edits;
    per_voice[u.voice].words += words;
    overall.edits += edits;
    overall.words += words;
    if (edits > 0) {
      std::printf("  %-6s ref: %s\n         hyp: %s\n", u.voice.c_str(), u.reference.c_str(),
                  u.hypothesis.c_str());
    }
  }
  for (const std::string& voice : voices) {
    std::printf("WER %-6s %5.1f%% (%zu/%zu words)\n", voice.c_str(), 100 * per_voice[voice].Rate(),
                per_voice[voice].edits, per_voice[voice].words);
  }
  std::printf("WER all    %5.1f%% (%zu/%zu words)\n", 100 * overall.Rate(), overall.edits,
              overall.words);

  // Measured with srand(1) (pocketsphinx 5prealpha en-us, flite 2.2):
  // slt 6.0%, rms 3.6%, awb 9.5%, kal16 4.8%, all 6.0% (20/336 words).
  // Over seeds 1-10: slt 4.8-6.0%, rms 3.6-8.3%, awb 4.8-13.1%, kal16 4.8%
  // (a diphone voice: no noise), all 4.8-6.5%. The bounds cover that spread.
  EXPECT_LE(per_voice["slt"].Rate(), 0.08);
  EXPECT_LE(per_voice["rms"].Rate(), 0.10);
  EXPECT_LE(per_voice["awb"].Rate(), 0.15);
  EXPECT_LE(per_voice["kal16"].Rate(), 0.07);
  EXPECT_LE(overall.Rate(), 0.08);
}

// A VAD turn: 300 ms of prefix before the words, 500 ms of silence after.
AudioBuffer AsTurn(AudioBuffer audio) {
  audio.samples.insert(audio.samples.begin(), 16000 * 3 / 10, 0.0f);
  audio.samples.insert(audio.samples.end(), 16000 / 2, 0.0f);
  return audio;
}

// The same clips as VAD turns, batch and streamed in 40 ms chunks as a
// realtime session feeds them: the stream must recognise about as well as
// the batch decoder, whose clip-wide cepstral mean it cannot know.
TEST(AsrRoundTrip, StreamingRecognisesTurnsAboutAsWellAsBatch) {
  // Two voices keep the test short; with all four (measured): batch 8.0%,
  // streamed 7.7% over 336 words.
  const std::vector<std::string> voices = {"slt", "awb"};
  std::srand(1);
  Tally batch, streamed;
  int live = 0, total = 0;
  for (const std::string& voice : voices) {
    for (const char* sentence : test::kAssistantSentences) {
      const AudioBuffer audio = AsTurn(test::Speak(sentence, voice));
      const std::size_t words = NormalizeWords(sentence).size();
      const std::string whole = test::SharedAsr().Transcribe(audio, {}).text;
      std::unique_ptr<AsrStream> stream = test::SharedAsr().OpenStream("en");
      for (std::size_t i = 0; i < audio.samples.size(); i += 640)
        stream->Accept(audio.samples.data() + i, std::min<std::size_t>(640, audio.samples.size() - i),
                       {});
      live += static_cast<PocketsphinxStream&>(*stream).decoding_live();
      ++total;
      const std::string heard = stream->Finish({}).text;
      batch.edits += WordEditDistance(sentence, whole);
      streamed.edits += WordEditDistance(sentence, heard);
      batch.words += words;
      streamed.words += words;
      if (heard != whole)
        std::printf("  %-6s ref:    %s\n         batch:  %s\n         stream: %s\n", voice.c_str(),
                    sentence, whole.c_str(), heard.c_str());
    }
  }
  std::printf("WER batch %5.1f%%, streamed %5.1f%% (%zu words); %d of %d decoded live\n",
              100 * batch.Rate(), 100 * streamed.Rate(), batch.words, live, total);
  EXPECT_EQ(live, total);  // every clip is longer than the warm-up, and no one else decodes
  EXPECT_LE(streamed.Rate(), 0.10);
  EXPECT_LE(streamed.Rate(), batch.Rate() + 0.03);
}

}  // namespace
}  // namespace mv
