// The voiceprint gate and speaker identification on the test speaker set:
// four enrolled speakers (flite slt, rms, awb, kal16), espeak-ng voices and
// pitch-shifted copies of the targets as impostors.
#include "voice/speaker-gate.h"

#include <gtest/gtest.h>

#include <memory>

#include "speaker-test-data.h"
#include "voice-test-util.h"
#include "voice/speaker-encoder-embedded.h"

namespace mv {
namespace {

class SpeakerGateTest : public ::testing::Test {
 protected:
  static const SpeakerEncoderEmbedded& Encoder() {
    static const SpeakerEncoderEmbedded encoder;
    return encoder;
  }
  // slt is the owner; the others are known (library) speakers.
  static std::unique_ptr<SpeakerGate> MakeGate() {
    auto gate = std::make_unique<SpeakerGate>(Encoder(), test::kTestThreshold);
    for (const auto& [name, audio] : test::Speakers().enrol)
      gate->Enroll("voice:" + name, name, audio, /*owner=*/name == "slt");
    return gate;
  }
};

TEST_F(SpeakerGateTest, AcceptsTheOwnerAndRefusesEveryoneElse) {
  const auto owner_gate = MakeGate();
  const SpeakerGate& gate = *owner_gate;
  EXPECT_EQ(gate.owners(), 1u);
  EXPECT_DOUBLE_EQ(gate.threshold(), test::kTestThreshold);
  EXPECT_DOUBLE_EQ(SpeakerGate(Encoder(), 0.0).threshold(), Encoder().DefaultThreshold());
  for (const auto& [voice, utterances] : test::Speakers().tests) {
    for (const AudioBuffer& u : utterances) {
      const SpeakerCheck c = gate.Check(u);
      if (voice == "slt") {
        EXPECT_TRUE(c.accepted()) << c.reason;
        EXPECT_STREQ(c.OutcomeName(), "accepted");
      } else {
        EXPECT_EQ(c.outcome, GateOutcome::kRejected) << voice << ": " << c.reason;
        EXPECT_LT(c.owner_score, gate.threshold());
      }
    }
  }
}

TEST_F(SpeakerGateTest, IdentifiesEachOfFourSpeakersAndNamesNoImpostor) {
  const auto owner_gate = MakeGate();
  const SpeakerGate& gate = *owner_gate;
  EXPECT_EQ(gate.size(), 4u);
  for (const auto& [voice, utterances] : test::Speakers().tests) {
    for (const AudioBuffer& u : utterances) {
      const SpeakerCheck c = gate.Check(u);
      if (test::IsTarget(voice)) {
        EXPECT_EQ(c.speaker_name, voice) << "score " << c.speaker_score;
        EXPECT_EQ(c.speaker_id, "voice:" + voice);
      } else {
        EXPECT_EQ(c.SpeakerOrUnknown(), "unknown")
            << voice << " taken for " << c.speaker_name << " (" << c.speaker_score << ")";
      }
    }
  }
}

TEST_F(SpeakerGateTest, NotEnoughSpeechIsItsOwnOutcome) {
  const auto owner_gate = MakeGate();
  const SpeakerGate& gate = *owner_gate;
  AudioBuffer short_word = test::Silence(2.0);
  test::Append(short_word, test::Vowel(180, {500, 1500, 2500}, 0.4));
  for (const AudioBuffer& a : {test::Silence(5.0), test::WhiteNoise(2.0), short_word}) {
    const SpeakerCheck c = gate.Check(a);
    EXPECT_EQ(c.outcome, GateOutcome::kNotEnoughSpeech);
    EXPECT_STREQ(c.OutcomeName(), "not_enough_speech");
    EXPECT_NE(c.reason.find("not enough speech"), std::string::npos) << c.reason;
    EXPECT_EQ(c.SpeakerOrUnknown(), "unknown");
  }
}

TEST_F(SpeakerGateTest, NoOwnersMeansOpenAndRemovalForgets) {
  SpeakerGate gate(Encoder(), 0.9);
  EXPECT_DOUBLE_EQ(gate.threshold(), 0.9);
  const AudioBuffer& rms = test::Speakers().tests.at("rms")[0];
  EXPECT_TRUE(gate.Check(rms).accepted());  // nobody enrolled
  gate.Enroll("voice:rms", "rms", test::Speakers().enrol.at("rms"), false);
  EXPECT_TRUE(gate.Check(rms).accepted());  // still no owner
  gate.Add({"owner:0", "me", gate.encoder().Embed(test::Speakers().enrol.at("awb")).values, true});
  EXPECT_FALSE(gate.Check(rms).accepted());
  EXPECT_TRUE(gate.Remove("owner:0"));
  EXPECT_FALSE(gate.Remove("owner:0"));
  EXPECT_TRUE(gate.Check(rms).accepted());
}

}  // namespace
}  // namespace mv
