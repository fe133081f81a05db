// AudioWorklet processor: microphone → mono 24 kHz pcm16 frames of 40 ms,
// posted to the main thread as transferable ArrayBuffers with their level.
// Runs on the audio rendering thread: no allocation per sample, no DOM.

const OUT_RATE = 24000;
const FRAME = 960; // 40 ms at 24 kHz: few messages, low latency

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // sampleRate is the context's rate (a global in the worklet scope).
    this.step = sampleRate / OUT_RATE; // input samples per output sample
    this.pending = new Float32Array(0); // input not yet consumed
    this.pos = 0; // fractional read position in `pending`
    this.frame = new Int16Array(FRAME);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || input[0].length === 0) return true;
    const n = input[0].length;
    // Mono mix, appended to what the last block left over.
    const buf = new Float32Array(this.pending.length + n);
    buf.set(this.pending);
    for (let c = 0; c < input.length; c++) {
      const ch = input[c];
      for (let i = 0; i < n; i++) buf[this.pending.length + i] += ch[i] / input.length;
    }
    const step = this.step;
    if (step >= 1) {
      // Downsampling: each output sample averages the input it spans, a
      // cheap low-pass that keeps the 12-24 kHz band from folding into speech.
      while (this.pos + step <= buf.length) {
        const start = Math.floor(this.pos);
        const end = Math.floor(this.pos + step);
        let sum = 0;
        for (let i = start; i < end; i++) sum += buf[i];
        this.push(sum / Math.max(1, end - start));
        this.pos += step;
      }
    } else {
      // Upsampling (a 16 kHz context, say): linear interpolation.
      while (this.pos + 1 < buf.length) {
        const i = Math.floor(this.pos);
        const f = this.pos - i;
        this.push(buf[i] * (1 - f) + buf[i + 1] * f);
        this.pos += step;
      }
    }
    const consumed = Math.floor(this.pos);
    this.pending = buf.slice(consumed);
    this.pos -= consumed;
    return true;
  }

  push(x) {
    const s = Math.max(-1, Math.min(1, x));
    this.sumSquares += s * s;
    this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    if (this.filled === FRAME) {
      const level = Math.sqrt(this.sumSquares / FRAME);
      this.port.postMessage({ pcm: this.frame.buffer, level }, [this.frame.buffer]);
      this.frame = new Int16Array(FRAME);
      this.filled = 0;
      this.sumSquares = 0;
    }
  }
}

registerProcessor('mirrorvox-capture', CaptureProcessor);
