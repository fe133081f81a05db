// The browser client at `/` in Debian's chromium (playwright-core), against
// the real binary: a spoken hands-free turn from a fake microphone (flite's
// question as a WAV), a denied microphone, and an unreachable LLM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { micWav } from './support/mic.mjs';
import { MIRRORVOX_BIN, sayWav, startFakeLlm, startMirrorvox, tempDir } from './support/server.mjs';

const CHROMIUM = process.env.MIRRORVOX_CHROMIUM || '/usr/bin/chromium';
const OUT = process.env.MIRRORVOX_TEST_OUT || tempDir('mvjs-out-');
const REPLY = 'The kitchen lights are on now.';
const QUESTION = 'please turn on the lights in the kitchen';
const WAIT = { timeout: 30000 };

function launch(extraArgs) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
}

// Page errors fail the test; console output helps when one does.
function watch(page, log) {
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
}

// Voices enrolled here stay in the test's temporary folder.
function ownLibrary() {
  return { MIRRORVOX_LIBRARY__DIR: join(dir, `voices-${Math.random().toString(36).slice(2)}`) };
}

let llm;
let server;
let browser;
let dir;
let questionWav;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dir = tempDir('mvjs-web-');
  questionWav = sayWav(QUESTION, join(dir, 'q16.wav'));
  const question = micWav(join(dir, 'question.wav'), [1, questionWav, 2.5]);
  llm = await startFakeLlm(['--reply', REPLY]);
  server = await startMirrorvox({
    env: { MIRRORVOX_LLM__URL: llm.url, MIRRORVOX_LLM__MODEL: 'fake-llm', ...ownLibrary() },
  });
  browser = await launch([
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${question}%noloop`,
  ]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await llm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('serves the page and its files with types and revalidation', async () => {
  const index = await fetch(`${server.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  assert.match(html, /<meta name="viewport"/);
  assert.match(html, /src="\/web\/app\.js"/);
  assert.match(html, /href="\/web\/style\.css"/);
  const files = [
    ['app.js', /^text\/javascript/],
    ['style.css', /^text\/css/],
    ['capture-worklet.js', /^text\/javascript/],
  ];
  for (const [file, type] of files) {
    const res = await fetch(`${server.url}/web/${file}`);
    assert.equal(res.status, 200, file);
    assert.match(res.headers.get('content-type'), type, file);
    const etag = res.headers.get('etag');
    assert.ok(etag, `${file} has an ETag`);
    const again = await fetch(`${server.url}/web/${file}`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304, `${file} revalidates`);
  }
  assert.equal((await fetch(`${server.url}/web/nope.js`)).status, 404);
  assert.equal((await fetch(`${server.url}/web/..%2FCMakeLists.txt`)).status, 404);
});

test('hands-free: the spoken question is heard, answered, shown and played', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const log = [];
  watch(page, log);
  try {
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.click('#talk');
    await page.locator('#talk[aria-pressed="true"]').waitFor(WAIT); // microphone open

    const user = page.locator('li.msg.user .text');
    await user.filter({ hasText: /kitchen|lights/i }).first().waitFor(WAIT);
    await page.locator('li.msg.assistant .text', { hasText: REPLY }).waitFor(WAIT);
    await page.waitForFunction(
      () => Number(document.getElementById('player').dataset.playedSamples) > 0,
      null,
      WAIT,
    );
    await page.locator('#latency[data-turns="1"]').waitFor(WAIT);
    const firstAudio = await page.textContent('#latency tr[data-stage="first_audio_ms"] td.ms');
    assert.match(firstAudio, /^\d+$/, 'first-audio latency shown');
    const done = await page.textContent('#latency tr[data-stage="done_ms"] td.ms');
    assert.match(done, /^\d+$/, 'reply-complete latency shown');
    assert.equal(await page.isVisible('#alert'), false, await page.textContent('#alert-text'));

    // Let the reply play out so the counters and the screenshot show it whole.
    await page.waitForFunction(
      () => {
        const p = document.getElementById('player').dataset;
        return Number(p.playedSamples) > 0 && p.playedSamples === p.scheduledSamples;
      },
      null,
      WAIT,
    );
    const played = Number(await page.getAttribute('#player', 'data-played-samples'));
    assert.ok(played > 24000 * 0.5, `played ${played} samples (24 kHz) of the reply`);
    await page.screenshot({ path: join(OUT, 'web-client.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(OUT, 'web-client-phone.png') });
    assert.deepEqual(log.filter((l) => l.startsWith('pageerror')), []);
  } catch (err) {
    err.message += `\npage log:\n${log.join('\n')}\nserver log:\n${server.log().slice(-3000)}`;
    throw err;
  } finally {
    await context.close();
  }
});

test('a server that requires API keys asks for one once, then talks', async () => {
  const keysFile = join(dir, 'web-keys.json');
  // Only the key store's variable: the harness's own MIRRORVOX_* names are no config keys.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MIRRORVOX_SERVER__AUTH__KEYS_FILE: keysFile };
  const key = execFileSync(MIRRORVOX_BIN, ['keys', 'add', 'browser'], { env }).toString().trim();
  assert.match(key, /^mvk-/);
  const locked = await startMirrorvox({
    env: {
      MIRRORVOX_LLM__URL: llm.url,
      MIRRORVOX_LLM__MODEL: 'fake-llm',
      MIRRORVOX_SERVER__AUTH__KEYS_FILE: keysFile,
      ...ownLibrary(),
    },
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  watch(page, log);
  try {
    assert.equal((await fetch(`${locked.url}/v1/models`)).status, 401);
    await page.goto(`${locked.url}/`);
    await page.locator('#key-form:not([hidden])').waitFor(WAIT);
    await page.fill('#key-input', key);
    await page.click('#key-form button[type="submit"]');
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.fill('#text-input', 'hello there');
    await page.press('#text-input', 'Enter');
    await page.locator('li.msg.assistant .text', { hasText: REPLY }).waitFor(WAIT);
    // Kept in this browser: a reload connects without asking again.
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    assert.equal(await page.isVisible('#key-form'), false);
    assert.deepEqual(log.filter((l) => l.startsWith('pageerror')), []);
  } catch (err) {
    err.message += `\npage log:\n${log.join('\n')}\nserver log:\n${locked.log().slice(-3000)}`;
    throw err;
  } finally {
    await context.close();
    await locked.stop();
  }
});

test('a denied microphone is explained and the text box still works', async () => {
  // No fake-ui flag: the permission prompt of a headless browser is denied.
  const denying = await launch([]);
  try {
    const page = await denying.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.click('#talk');
    const alert = page.locator('#alert[data-kind="microphone"]');
    await alert.waitFor(WAIT);
    assert.match(await alert.textContent(), /Microphone access was denied/);
    assert.equal(await page.getAttribute('#talk', 'aria-pressed'), 'false');
    await page.fill('#text-input', 'hello there');
    await page.press('#text-input', 'Enter');
    await page.locator('li.msg.assistant .text', { hasText: REPLY }).waitFor(WAIT);
    assert.equal(await page.locator('li.msg.user .text', { hasText: 'hello there' }).count(), 1);
  } finally {
    await denying.close();
  }
});

test('an unreachable LLM shows a clear message', async () => {
  // A port nobody listens on: the fake LLM's, once it is stopped.
  const gone = await startFakeLlm();
  await gone.stop();
  const down = await startMirrorvox({
    env: { MIRRORVOX_LLM__URL: gone.url, MIRRORVOX_LLM__MODEL: 'fake-llm', ...ownLibrary() },
  });
  const page = await browser.newPage();
  try {
    await page.goto(`${down.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.fill('#text-input', 'are you there?');
    await page.click('#text-form button[type="submit"]');
    const alert = page.locator('#alert[data-kind="llm"]');
    await alert.waitFor(WAIT);
    assert.match(await alert.textContent(), /language model is unreachable/);
    assert.equal(await page.getAttribute('#connection', 'data-state'), 'open', 'the session survives');
  } finally {
    await page.close();
    await down.stop();
  }
});

test('barge-in: talking over the reply silences it at once', async () => {
  // A reply of ~15 s of speech, and a second question 4 s after the first:
  // the second always lands while the first reply is playing.
  const long = Array(6).fill('This is a long answer that keeps talking for a while.').join(' ');
  const talker = await startFakeLlm(['--reply', long]);
  const srv = await startMirrorvox({
    env: { MIRRORVOX_LLM__URL: talker.url, MIRRORVOX_LLM__MODEL: 'fake-llm', ...ownLibrary() },
  });
  const twice = micWav(join(dir, 'twice.wav'), [1, questionWav, 4, questionWav, 2.5]);
  const b = await launch(['--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${twice}%noloop`]);
  const log = [];
  try {
    const page = await b.newPage();
    watch(page, log);
    await page.goto(`${srv.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.click('#talk');
    await page.waitForFunction(
      () => Number(document.getElementById('player').dataset.bargeIns) >= 1,
      null,
      WAIT,
    );
    // The second question is a turn of its own, answered in turn.
    await page.locator('li.msg.user .text').nth(1).filter({ hasText: /kitchen|lights/i }).waitFor(WAIT);
    await page.locator('li.msg.assistant').nth(1).waitFor(WAIT);
    const p = await page.locator('#player').evaluate((el) => ({ ...el.dataset }));
    assert.ok(Number(p.playedSamples) < Number(p.scheduledSamples), `the cut reply did not play out: ${JSON.stringify(p)}`);
  } catch (err) {
    err.message += `\npage log:\n${log.join('\n')}\nserver log:\n${srv.log().slice(-3000)}`;
    throw err;
  } finally {
    await b.close();
    await srv.stop();
    await talker.stop();
  }
});

test('a voice recorded in the page joins the library and is chosen', async () => {
  const reading = sayWav(
    'the quick brown fox jumps over the lazy dog while my voice is recorded for the library',
    join(dir, 'reading16.wav'),
    'slt',
  );
  const looped = micWav(join(dir, 'reading.wav'), [0.3, reading]);
  const b = await launch(['--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${looped}`]);
  try {
    const page = await b.newPage();
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.click('#enrol summary');
    await page.fill('#enrol-name', 'Reader');
    await page.click('#enrol-record');
    const status = page.locator('#enrol-status');
    await page.waitForFunction(
      () => /Saved|Could not/.test(document.getElementById('enrol-status').textContent),
      null,
      WAIT,
    );
    assert.match(await status.textContent(), /Saved “Reader”/);
    const library = await (await fetch(`${server.url}/api/voices`)).json();
    const voice = library.voices.find((v) => v.name === 'Reader');
    assert.ok(voice, JSON.stringify(library));
    assert.equal(await page.inputValue('#voice'), voice.id, 'the new voice is selected');
  } finally {
    await b.close();
  }
});
