// The official openai SDK's REST side against the real binary over HTTPS
// with its self-signed certificate trusted as the CA: models, transcriptions
// (json, text, verbose_json) of a flite question, speech (wav, pcm, opus and
// SSE), and an OpenAI error shape that the SDK turns into an APIError.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { sayWav, tempDir } from './support/server.mjs';
import { openaiClient, startTlsMirrorvox } from './support/tls.mjs';

const QUESTION = 'please turn on the lights in the kitchen';
const SPOKEN = 'Hello there. This is a short test of the speech route.';

let server;
let client;
let questionWav;

before(async () => {
  server = await startTlsMirrorvox();
  client = openaiClient(server);
  questionWav = sayWav(QUESTION, join(tempDir('mvjs-rest-'), 'question.wav'));
});

after(async () => {
  await server?.stop();
});

// Words of `text`, lower case, for a lenient recognition check.
function words(text) {
  return text.toLowerCase().match(/[a-z']+/g) ?? [];
}

function questionFile() {
  return toFile(readFileSync(questionWav), 'question.wav', { type: 'audio/wav' });
}

// The fmt fields and the sample bytes of a 16-bit PCM WAV; a streamed WAV
// says 0 (or 0xffffffff) for its data size, so the data runs to the end.
function parseWav(buf) {
  assert.equal(buf.toString('ascii', 0, 4), 'RIFF');
  assert.equal(buf.toString('ascii', 8, 12), 'WAVE');
  let fmt = null;
  for (let off = 12; off + 8 <= buf.length; ) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = buf.subarray(off + 8, off + 8 + size);
    if (id === 'data') {
      assert.ok(fmt, 'fmt chunk before data');
      return {
        channels: fmt.readUInt16LE(2),
        rate: fmt.readUInt32LE(4),
        bits: fmt.readUInt16LE(14),
        data: buf.subarray(off + 8),
      };
    }
    off += 8 + size + (size & 1);
  }
  assert.fail('no data chunk');
}

function speech(params) {
  return client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: SPOKEN, ...params });
}

// The events of an SSE body.
function sseEvents(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n'),
    )
    .filter((d) => d.length > 0)
    .map((d) => JSON.parse(d));
}

test('the certificate is checked: a client without the CA is refused', async () => {
  const untrusting = new OpenAI({ apiKey: 'sk-x', baseURL: server.baseURL, maxRetries: 0 });
  await assert.rejects(untrusting.models.list(), (e) => e instanceof OpenAI.APIConnectionError);
});

test('models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  for (const id of ['mirrorvox-asr', 'mirrorvox-tts', 'mirrorvox']) {
    assert.ok(ids.includes(id), `${id} in ${ids}`);
  }
});

test('transcriptions: json', async () => {
  const r = await client.audio.transcriptions.create({ file: await questionFile(), model: 'whisper-1' });
  assert.equal(typeof r.text, 'string');
  const got = words(r.text);
  const hits = words(QUESTION).filter((w) => got.includes(w));
  assert.ok(hits.length >= 4, `"${r.text}" vs "${QUESTION}"`);
});

test('transcriptions: text', async () => {
  const r = await client.audio.transcriptions.create({
    file: await questionFile(),
    model: 'whisper-1',
    response_format: 'text',
  });
  assert.equal(typeof r, 'string');
  assert.ok(words(r).includes('kitchen'), r);
});

test('transcriptions: verbose_json', async () => {
  const r = await client.audio.transcriptions.create({
    file: await questionFile(),
    model: 'whisper-1',
    response_format: 'verbose_json',
  });
  assert.ok(words(r.text).includes('kitchen'), r.text);
  assert.equal(r.language.slice(0, 2) === 'en' || r.language === 'english', true, r.language);
  assert.ok(r.duration > 1 && r.duration < 5, `duration ${r.duration}`);
  assert.ok(Array.isArray(r.segments) && r.segments.length >= 1);
  assert.equal(r.segments[0].text.trim(), r.text.trim());
});

let wavSamples = 0;

test('speech: wav', async () => {
  const res = await speech({ response_format: 'wav' });
  const wav = parseWav(Buffer.from(await res.arrayBuffer()));
  assert.equal(wav.channels, 1);
  assert.equal(wav.bits, 16);
  wavSamples = wav.data.length / 2;
  const seconds = wavSamples / wav.rate;
  assert.ok(seconds > 1.5 && seconds < 15, `${seconds} s`);
});

test('speech: pcm is raw 24 kHz s16le, the same samples as the wav', async () => {
  const res = await speech({ response_format: 'pcm' });
  const pcm = Buffer.from(await res.arrayBuffer());
  assert.equal(pcm.length % 2, 0);
  assert.notEqual(pcm.toString('ascii', 0, 4), 'RIFF');
  const seconds = pcm.length / 2 / 24000;
  assert.ok(seconds > 1.5 && seconds < 15, `${seconds} s`);
  if (wavSamples) assert.ok(Math.abs(pcm.length / 2 - wavSamples) <= 0.01 * wavSamples);
});

test('speech: opus in Ogg', async () => {
  const res = await speech({ response_format: 'opus' });
  const ogg = Buffer.from(await res.arrayBuffer());
  assert.equal(ogg.toString('ascii', 0, 4), 'OggS');
  assert.ok(ogg.includes(Buffer.from('OpusHead')));
  assert.ok(ogg.length > 1000, `${ogg.length} bytes`);
});

test('speech: stream_format sse', async () => {
  const res = await speech({ response_format: 'pcm', stream_format: 'sse' });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events = sseEvents(await res.text());
  const deltas = events.filter((e) => e.type === 'speech.audio.delta');
  assert.ok(deltas.length >= 1, JSON.stringify(events.map((e) => e.type)));
  const pcm = Buffer.concat(deltas.map((e) => Buffer.from(e.audio, 'base64')));
  assert.ok(pcm.length / 2 / 24000 > 1.5, `${pcm.length} bytes`);
  const done = events.at(-1);
  assert.equal(done.type, 'speech.audio.done');
  assert.ok(done.usage && done.usage.total_tokens > 0, JSON.stringify(done));
});

test('errors: OpenAI error shape -> APIError 400', async () => {
  await assert.rejects(speech({ voice: 'no-such-voice-anywhere' }), (e) => {
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.status, 400);
    assert.equal(e.param, 'voice');
    assert.equal(e.type, 'invalid_request_error');
    assert.ok(e.message.length > 0);
    return true;
  });
  await assert.rejects(
    client.audio.transcriptions.create({
      file: await toFile(Buffer.from('definitely not audio'), 'x.wav'),
      model: 'whisper-1',
    }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400,
  );
});
