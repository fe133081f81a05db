// Back-pressure between a producer of audio and the client it goes to.
#pragma once

#include <functional>

namespace mv {

// Asked by a producer after it handed the client more output. False: the
// client can take more, go on (`resume` is dropped). True: the client is
// behind; produce nothing more until `resume` runs, which happens once, on
// any thread (often an I/O thread: keep it short), when the client has
// caught up or has gone. Never called from inside the gate itself.
using OutputGate = std::function<bool(std::function<void()> resume)>;

}  // namespace mv
