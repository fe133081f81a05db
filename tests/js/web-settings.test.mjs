// The web page's settings panel and language-model banner in Debian's
// chromium (playwright-core), against the real binary: echo mode labelled
// with the line to change, and model / language / push to talk picked,
// saved in the browser, and sent with session.update.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startFakeLlm, startMirrorvox, tempDir } from './support/server.mjs';

const CHROMIUM = process.env.MIRRORVOX_CHROMIUM || '/usr/bin/chromium';
const WAIT = { timeout: 30000 };
const ECHO = 'No language model is connected, so I will repeat what I heard: ';

let browser;
let dir;

before(async () => {
  dir = tempDir('mvjs-settings-');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function say(page, text) {
  await page.fill('#text-input', text);
  await page.press('#text-input', 'Enter');
}

test('with no language model the page says so and the reply is a labelled echo', async () => {
  const server = await startMirrorvox({ env: { MIRRORVOX_LIBRARY__DIR: `${dir}/v1` } });
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    const banner = page.locator('#llm-banner[data-mode="echo"]');
    await banner.waitFor(WAIT);
    assert.match(await banner.textContent(), /No language model is connected, so replies only repeat what you said/);
    assert.match(await banner.textContent(), /llm\.discover is off/);
    assert.match(await page.textContent('#llm-banner-fix'), /^MIRRORVOX_LLM__URL=http:\/\/127\.0\.0\.1:11434\/v1/);
    assert.match(await page.textContent('#llm-state'), /echo mode/);
    await say(page, 'hello there');
    const reply = page.locator('li.msg.assistant .text', { hasText: 'hello there' });
    await reply.waitFor(WAIT);
    assert.equal((await reply.textContent()).trim(), `${ECHO}hello there`);
    assert.equal(await page.isVisible('#alert'), false, 'echo is not an error');
  } finally {
    await page.close();
    await server.stop();
  }
});

test('model, language and push to talk are picked, saved and sent', async () => {
  const llm = await startFakeLlm(['--say-model']);
  // Two endpoints on the same double, each with its model: the page offers both.
  const yaml = `llm:\n  endpoints:\n    - url: ${llm.url}\n      model: alpha\n    - url: ${llm.url}\n      model: beta\n`;
  const server = await startMirrorvox({ yaml, env: { MIRRORVOX_LIBRARY__DIR: `${dir}/v2` } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const sent = []; // every WebSocket frame the page sends
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  try {
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.locator('#setting-model option[value="beta"]').waitFor({ state: 'attached', ...WAIT });
    assert.deepEqual(
      await page.$$eval('#setting-model option', (os) => os.map((o) => o.value)),
      ['', 'alpha', 'beta'],
    );
    assert.equal(await page.isVisible('#llm-banner'), false, 'a model is configured');
    await say(page, 'who are you');
    await page.locator('li.msg.assistant .text', { hasText: 'This is alpha speaking.' }).waitFor(WAIT);

    await page.selectOption('#setting-model', 'beta');
    await page.selectOption('#setting-language', 'zh');
    await page.check('input[name="mode"][value="ptt"]');
    await page.waitForFunction(() => {
      const s = window.mirrorvox.state.session;
      return s && s.audio && s.audio.input.transcription && s.audio.input.transcription.language === 'zh' && s.audio.input.turn_detection === null;
    }, null, WAIT);
    await say(page, 'and now');
    await page.locator('li.msg.assistant .text', { hasText: 'This is beta speaking.' }).waitFor(WAIT);
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('mirrorvox.settings')));
    assert.deepEqual({ model: saved.model, language: saved.language, mode: saved.mode }, {
      model: 'beta',
      language: 'zh',
      mode: 'ptt',
    });

    // A new visit restores the choices and sends them to the new session.
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.locator('#setting-model option[value="beta"]').waitFor({ state: 'attached', ...WAIT });
    assert.equal(await page.inputValue('#setting-model'), 'beta');
    assert.equal(await page.inputValue('#setting-language'), 'zh');
    assert.equal(await page.isChecked('input[name="mode"][value="ptt"]'), true);
    assert.equal(await page.textContent('#talk'), 'Hold to talk');
    await page.waitForFunction(() => {
      const s = window.mirrorvox.state.session;
      return s && s.audio && s.audio.input.transcription && s.audio.input.transcription.language === 'zh' && s.audio.input.turn_detection === null;
    }, null, WAIT);
    await say(page, 'still you');
    await page.locator('li.msg.assistant .text', { hasText: 'This is beta speaking.' }).waitFor(WAIT); // a new page: a new transcript

    // A model the server does not offer is never sent: the default answers.
    await page.evaluate(() =>
      localStorage.setItem('mirrorvox.settings', JSON.stringify({ model: 'http://evil.example/v1' })),
    );
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.locator('#setting-model option[value="beta"]').waitFor({ state: 'attached', ...WAIT });
    assert.equal(await page.inputValue('#setting-model'), '');
    await say(page, 'who now');
    await page.locator('li.msg.assistant .text', { hasText: 'This is alpha speaking.' }).waitFor(WAIT);
    assert.equal(sent.filter((f) => f.includes('evil.example')).length, 0, 'the page never sent it');
    assert.ok(sent.some((f) => f.includes('"model":"beta"')), 'the picked model went in session.update');
  } finally {
    await context.close();
    await server.stop();
    await llm.stop();
  }
});
