// WAVs for Chromium's fake microphone (--use-file-for-fake-audio-capture).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';

// The fmt chunk and samples of a 16-bit PCM WAV (what `mirrorvox say` writes).
export function readWav(path) {
  const wav = readFileSync(path);
  let fmt = null;
  let data = null;
  for (let off = 12; off + 8 <= wav.length; ) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = wav.subarray(off + 8, off + 8 + size);
    if (id === 'data') data = wav.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  assert.ok(fmt && data, `${path} is not a WAV`);
  assert.equal(fmt.readUInt16LE(14), 16, 'the fake microphone wants 16-bit PCM');
  return { fmt, data };
}

// `parts`: WAV paths (one format) and numbers (seconds of silence), joined
// into `dst`: silence first lets the page open the microphone, silence last
// lets the server's VAD end the turn.
export function micWav(dst, parts) {
  const first = readWav(parts.find((p) => typeof p === 'string'));
  const bytesPerSecond = first.fmt.readUInt32LE(8);
  const pcm = Buffer.concat(
    parts.map((p) =>
      typeof p === 'number' ? Buffer.alloc(Math.round(p * bytesPerSecond) & ~1) : readWav(p).data,
    ),
  );
  const head = Buffer.alloc(20);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(4 + 8 + first.fmt.length + 8 + pcm.length, 4);
  head.write('WAVEfmt ', 8, 'ascii');
  head.writeUInt32LE(first.fmt.length, 16);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'ascii');
  dataHead.writeUInt32LE(pcm.length, 4);
  writeFileSync(dst, Buffer.concat([head, first.fmt, dataHead, pcm]));
  return dst;
}
