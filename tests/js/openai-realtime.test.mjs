// The official openai SDK's realtime WebSocket clients (GA
// `openai/realtime/ws` and beta `openai/beta/realtime/ws`, which always dial
// wss://) against the real binary over TLS, its self-signed certificate
// trusted as the CA: a spoken turn with server VAD from a flite question
// streamed at about real time, a manual turn (commit + response.create), and
// response.cancel. The LLM is the OpenAI-compatible double.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { OpenAIRealtimeWS as BetaRealtimeWS } from 'openai/beta/realtime/ws';
import { sayWav, startFakeLlm, tempDir } from './support/server.mjs';
import { openaiClient, realtimeWsOptions, startTlsMirrorvox } from './support/tls.mjs';

const QUESTION = 'please turn on the lights in the kitchen';
// Several sentences at a modest token rate, so a response is still running
// when the cancel test cancels it.
const REPLY =
  'Sure, the kitchen lights are on now. Is there anything else you would like me to do? ' +
  'I can also dim them later, or turn on the lights in the living room.';
const RATE = 24000;
const CHUNK_MS = 100;
const WAIT_MS = 30000;

let llm;
let server;
let client;
let questionPcm; // 24 kHz pcm16 mono

// The samples of a 16-bit mono PCM WAV, resampled (linear) to 24 kHz pcm16.
function wavTo24k(path) {
  const wav = readFileSync(path);
  let rate = 0;
  let data = null;
  for (let off = 12; off + 8 <= wav.length; ) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      assert.equal(wav.readUInt16LE(off + 8 + 2), 1, 'mono');
      assert.equal(wav.readUInt16LE(off + 8 + 14), 16, '16-bit');
      rate = wav.readUInt32LE(off + 8 + 4);
    }
    if (id === 'data') data = wav.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  assert.ok(rate && data, `${path} is not a WAV`);
  const inSamples = data.length / 2;
  const outSamples = Math.floor((inSamples * RATE) / rate);
  const out = Buffer.alloc(outSamples * 2);
  for (let i = 0; i < outSamples; i++) {
    const pos = (i * rate) / RATE;
    const j = Math.floor(pos);
    const frac = pos - j;
    const a = data.readInt16LE(2 * Math.min(j, inSamples - 1));
    const b = data.readInt16LE(2 * Math.min(j + 1, inSamples - 1));
    out.writeInt16LE(Math.round(a + (b - a) * frac), 2 * i);
  }
  return out;
}

before(async () => {
  llm = await startFakeLlm(['--reply', REPLY, '--tokens-per-s', '40']);
  server = await startTlsMirrorvox({
    env: { MIRRORVOX_LLM__URL: llm.url, MIRRORVOX_LLM__MODEL: 'fake-llm' },
  });
  client = openaiClient(server);
  questionPcm = wavTo24k(sayWav(QUESTION, join(tempDir('mvjs-rt-'), 'question.wav')));
});

after(async () => {
  await server?.stop();
  await llm?.stop();
});

// A connected SDK client that records every server event; waitFor() resolves
// with the first recorded event (from `from` on) matching `pred`.
async function connect(Kind, model) {
  const rt = new Kind({ model, options: realtimeWsOptions(server) }, client);
  const events = [];
  const errors = [];
  const waiters = [];
  rt.on('event', (e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  rt.on('error', (err) => errors.push(err));
  await new Promise((resolve, reject) => {
    rt.socket.once('open', resolve);
    rt.socket.once('error', reject);
  });
  const waitFor = (pred, what, from = 0) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = events.slice(from).find(pred);
        if (!hit) return false;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        const seen = events.map((e) => e.type).join(', ');
        reject(new Error(`no ${what} within ${WAIT_MS} ms; got: ${seen}; errors: ${errors}`));
      }, WAIT_MS);
      waiters.push(check);
      check();
    });
  const waitType = (type, from = 0) => waitFor((e) => e.type === type, type, from);
  const close = () =>
    new Promise((resolve) => {
      if (rt.socket.readyState === rt.socket.CLOSED) return resolve();
      rt.socket.once('close', resolve);
      rt.close();
    });
  await waitType('session.created');
  return { rt, events, errors, waitFor, waitType, close };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// `pcm` as input_audio_buffer.append in 100 ms chunks, at about real time,
// then `silenceMs` of silence the same way.
async function stream(rt, pcm, silenceMs) {
  const chunkBytes = (RATE * 2 * CHUNK_MS) / 1000;
  const all = Buffer.concat([pcm, Buffer.alloc(Math.round((silenceMs * RATE) / 1000) * 2)]);
  const start = Date.now();
  for (let off = 0, n = 0; off < all.length; off += chunkBytes, n++) {
    rt.send({
      type: 'input_audio_buffer.append',
      audio: all.subarray(off, off + chunkBytes).toString('base64'),
    });
    const due = start + (n + 1) * CHUNK_MS;
    await sleep(Math.max(0, due - Date.now()));
  }
}

function audioSeconds(deltas) {
  return deltas.reduce((n, e) => n + Buffer.from(e.delta, 'base64').length, 0) / 2 / RATE;
}

// The turn events every spoken turn must produce, in order.
async function expectSpokenTurn(s, audioDelta, otherAudioDelta) {
  const started = await s.waitType('input_audio_buffer.speech_started');
  const stopped = await s.waitType('input_audio_buffer.speech_stopped');
  assert.ok(stopped.audio_end_ms > started.audio_start_ms, JSON.stringify([started, stopped]));
  const transcript = await s.waitType('conversation.item.input_audio_transcription.completed');
  assert.match(transcript.transcript, /kitchen|lights/, transcript.transcript);
  await s.waitType(audioDelta);
  const done = await s.waitType('response.done');
  assert.equal(done.response.status, 'completed', JSON.stringify(done.response));
  const types = s.events.map((e) => e.type);
  assert.ok(types.indexOf('input_audio_buffer.speech_stopped') < types.indexOf('response.done'));
  const deltas = s.events.filter((e) => e.type === audioDelta);
  assert.ok(audioSeconds(deltas) > 1, `${audioSeconds(deltas)} s of reply audio`);
  assert.equal(types.includes(otherAudioDelta), false, `${otherAudioDelta} on this protocol`);
  assert.deepEqual(s.errors, []);
}

test('the certificate is checked: without the CA the wss connection is refused', async () => {
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, client);
  rt.on('error', () => {});
  const err = await new Promise((resolve) => rt.socket.once('error', resolve));
  assert.match(String(err.code ?? err.message), /SELF_SIGNED|certificate/i, String(err));
});

test('GA client: a spoken turn with server VAD over wss', async () => {
  const s = await connect(OpenAIRealtimeWS, 'gpt-realtime');
  try {
    s.rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'You control the lights. Answer briefly.',
        audio: {
          input: {
            turn_detection: {
              type: 'server_vad',
              threshold: 0.5,
              prefix_padding_ms: 300,
              silence_duration_ms: 500,
            },
          },
          output: { voice: 'slt' },
        },
      },
    });
    const updated = await s.waitType('session.updated');
    assert.equal(updated.session.instructions, 'You control the lights. Answer briefly.');
    assert.equal(updated.session.audio.output.voice, 'slt');
    assert.equal(updated.session.audio.input.turn_detection.silence_duration_ms, 500);
    await stream(s.rt, questionPcm, 1000);
    await expectSpokenTurn(s, 'response.output_audio.delta', 'response.audio.delta');
  } finally {
    await s.close();
  }
});

test('beta client: a spoken turn with server VAD over wss', async () => {
  const s = await connect(BetaRealtimeWS, 'gpt-4o-realtime-preview');
  try {
    s.rt.send({
      type: 'session.update',
      session: {
        instructions: 'You control the lights. Answer briefly.',
        voice: 'rms',
        turn_detection: {
          type: 'server_vad',
          threshold: 0.5,
          prefix_padding_ms: 300,
          silence_duration_ms: 500,
        },
      },
    });
    const updated = await s.waitType('session.updated');
    assert.equal(updated.session.voice, 'rms');
    assert.equal(updated.session.turn_detection.type, 'server_vad');
    await stream(s.rt, questionPcm, 1000);
    await expectSpokenTurn(s, 'response.audio.delta', 'response.output_audio.delta');
  } finally {
    await s.close();
  }
});

test('GA client: a manual turn (turn_detection null, commit + response.create)', async () => {
  const s = await connect(OpenAIRealtimeWS, 'gpt-realtime');
  try {
    s.rt.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    const updated = await s.waitType('session.updated');
    assert.equal(updated.session.audio.input.turn_detection, null);
    const chunk = (RATE * 2 * CHUNK_MS) / 1000;
    for (let off = 0; off < questionPcm.length; off += chunk) {
      s.rt.send({
        type: 'input_audio_buffer.append',
        audio: questionPcm.subarray(off, off + chunk).toString('base64'),
      });
    }
    s.rt.send({ type: 'input_audio_buffer.commit' });
    await s.waitType('input_audio_buffer.committed');
    s.rt.send({ type: 'response.create' });
    const transcript = await s.waitType('conversation.item.input_audio_transcription.completed');
    assert.match(transcript.transcript, /kitchen|lights/, transcript.transcript);
    const done = await s.waitType('response.done');
    assert.equal(done.response.status, 'completed', JSON.stringify(done.response));
    const types = s.events.map((e) => e.type);
    assert.equal(types.includes('input_audio_buffer.speech_started'), false, types.join(', '));
    const deltas = s.events.filter((e) => e.type === 'response.output_audio.delta');
    assert.ok(audioSeconds(deltas) > 1, `${audioSeconds(deltas)} s of reply audio`);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('GA client: response.cancel ends the response as cancelled', async () => {
  const s = await connect(OpenAIRealtimeWS, 'gpt-realtime');
  try {
    s.rt.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    await s.waitType('session.updated');
    s.rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: QUESTION }],
      },
    });
    s.rt.send({ type: 'response.create' });
    const first = await s.waitType('response.output_audio.delta');
    s.rt.send({ type: 'response.cancel' });
    const done = await s.waitType('response.done');
    assert.equal(done.response.id, first.response_id);
    assert.equal(done.response.status, 'cancelled', JSON.stringify(done.response));
    assert.equal(done.response.status_details?.reason, 'client_cancelled');
    // Nothing more of that response afterwards.
    const at = s.events.indexOf(done);
    await sleep(500);
    const late = s.events
      .slice(at + 1)
      .filter((e) => e.type === 'response.output_audio.delta' && e.response_id === done.response.id);
    assert.deepEqual(late, []);
    // A cancel with nothing in progress is an error event; the session lives on.
    s.rt.send({ type: 'response.cancel' });
    const err = await s.waitType('error');
    assert.equal(err.error.code, 'response_cancel_not_active');
  } finally {
    await s.close();
  }
});
