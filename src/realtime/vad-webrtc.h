// "webrtc": libwebrtc-audio-processing 0.3's voice detector (a GMM over
// sub-band energies, adaptive to stationary noise) behind a level gate. The
// detector alone fires on quiet speech-like noise; the gate turns OpenAI's
// `threshold` into "how loud must speech be": the frame level must reach
//   kGateFloorDbfs + threshold * kGateSpanDbfs
// (-70 dBFS at 0, -45 at the default 0.5, -20 at 1), and the detector's
// likelihood setting tightens as the threshold rises.
#pragma once

#include "realtime/vad.h"

namespace mv {

class WebRtcVad : public Vad {
 public:
  static constexpr double kGateFloorDbfs = -70.0;
  static constexpr double kGateSpanDbfs = 50.0;

  std::unique_ptr<VadStream> NewStream(double threshold) const override;
};

}  // namespace mv
