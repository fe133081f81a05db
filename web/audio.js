// Audio in and out of the browser: the microphone through an AudioWorklet
// (24 kHz pcm16 frames) and gapless playback of the server's pcm16 deltas.

export const RATE = 24000;

// A friendly explanation of a getUserMedia failure.
export function microphoneErrorMessage(err) {
  const name = err && err.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return 'Microphone access was denied. Allow the microphone for this site in the browser’s settings and press Start again, or type below.';
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    return 'No microphone was found. Plug one in and press Start again, or type below.';
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return 'The microphone is busy or could not be started (another app may be using it). Close it and try again, or type below.';
  }
  if (name === 'InsecureContext') {
    return 'The microphone needs a secure page: open this page over https (server.tls) or on localhost. You can still type below.';
  }
  return `The microphone is unavailable (${err && err.message ? err.message : err}). You can still type below.`;
}

// One AudioContext for the page, made (or resumed) inside a user gesture
// so browsers let it play.
let sharedContext = null;
export async function audioContext() {
  if (!sharedContext) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    sharedContext = new Ctx({ latencyHint: 'interactive' });
  }
  if (sharedContext.state !== 'running') {
    try {
      await sharedContext.resume();
    } catch {
      // Resumed by the next gesture.
    }
  }
  return sharedContext;
}

// The microphone: start() asks for it (throws the getUserMedia error),
// then `onframe(Int16Array)` receives 40 ms frames at 24 kHz and
// `onlevel(0..1)` their loudness.
export class MicCapture {
  constructor() {
    this.onframe = null;
    this.onlevel = null;
    this.stream = null;
    this.source = null;
    this.node = null;
  }

  get running() {
    return this.stream !== null;
  }

  async start() {
    if (this.stream) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      const err = new Error('getUserMedia is not available');
      err.name = window.isSecureContext ? 'NotFoundError' : 'InsecureContext';
      throw err;
    }
    const ctx = await audioContext();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    try {
      if (!MicCapture.moduleLoaded) {
        await ctx.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url));
        MicCapture.moduleLoaded = true;
      }
      this.source = ctx.createMediaStreamSource(stream);
      this.node = new AudioWorkletNode(ctx, 'mirrorvox-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
      });
      this.node.port.onmessage = (e) => {
        const pcm = new Int16Array(e.data.pcm);
        if (this.onlevel) this.onlevel(e.data.level);
        if (this.onframe) this.onframe(pcm);
      };
      this.source.connect(this.node);
      this.stream = stream;
    } catch (err) {
      for (const t of stream.getTracks()) t.stop();
      throw err;
    }
  }

  stop() {
    if (!this.stream) return;
    this.source.disconnect();
    this.node.port.onmessage = null;
    this.node.disconnect();
    for (const t of this.stream.getTracks()) t.stop();
    this.stream = this.source = this.node = null;
    if (this.onlevel) this.onlevel(0);
  }
}
MicCapture.moduleLoaded = false;

// Plays pcm16 chunks back to back: each becomes an AudioBufferSourceNode
// started exactly where the previous one ends, so chunks that arrive faster
// than real time queue up without gaps. stop() silences everything at once
// (barge-in) and says whether anything was playing. `playedSamples` counts
// 24 kHz samples that finished playing.
export class Player {
  constructor() {
    this.ctx = null;
    this.nextTime = 0;
    this.sources = new Set();
    this.playedSamples = 0;
    this.scheduledSamples = 0;
    this.onchange = null; // (playing: boolean) => void
  }

  get playing() {
    return this.sources.size > 0;
  }

  async prepare() {
    this.ctx = await audioContext();
  }

  play(pcm) {
    if (!this.ctx || pcm.length === 0) return;
    const buffer = this.ctx.createBuffer(1, pcm.length, RATE);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = pcm[i] / 0x8000;
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    // A short lead after an underrun so the first chunk is not clipped.
    const now = this.ctx.currentTime;
    if (this.nextTime < now + 0.02) this.nextTime = now + 0.05;
    src.start(this.nextTime);
    this.nextTime += buffer.duration;
    this.scheduledSamples += pcm.length;
    const wasPlaying = this.playing;
    this.sources.add(src);
    src.onended = () => {
      if (!this.sources.delete(src)) return; // stopped: not played out
      this.playedSamples += pcm.length;
      if (!this.playing && this.onchange) this.onchange(false);
    };
    if (!wasPlaying && this.onchange) this.onchange(true);
  }

  stop() {
    const had = this.playing;
    const sources = [...this.sources];
    this.sources.clear();
    for (const src of sources) {
      try {
        src.stop();
      } catch {
        // Not started yet on some browsers: disconnecting is enough.
      }
      src.disconnect();
    }
    this.nextTime = 0;
    if (had && this.onchange) this.onchange(false);
    return had;
  }
}
