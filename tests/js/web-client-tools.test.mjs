// The browser client at `/` (Debian's chromium through playwright-core), a
// spoken hands-free turn whose answer needs a tool: the question "please add
// six and seven" from the fake microphone, the LLM double calls get-sum of
// the real MCP reference server (@modelcontextprotocol/server-everything,
// stdio) and answers with the result it got back. The page shows the right
// number, plays the reply, and its latency table has the time in tools.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { sayWav, startFakeLlm, startMirrorvox, tempDir } from './support/server.mjs';
import { micWav } from './support/mic.mjs';

const CHROMIUM = process.env.MIRRORVOX_CHROMIUM || '/usr/bin/chromium';
const OUT = process.env.MIRRORVOX_TEST_OUT || tempDir('mvjs-out-');
const WAIT = { timeout: 60000 };
const EVERYTHING = fileURLToPath(
  new URL('./node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);

let llm;
let server;
let browser;
let dir;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  dir = tempDir('mvjs-webtools-');
  const question = micWav(join(dir, 'mic.wav'), [
    1,
    sayWav('please add six and seven', join(dir, 'q.wav')),
    2.5,
  ]);
  llm = await startFakeLlm(['--tool-sum', 'get-sum']);
  const yaml = [
    'tools:',
    '  connect_timeout_ms: 60000',
    '  mcp_servers:',
    '    - name: everything',
    '      command: node',
    `      args: [${JSON.stringify(EVERYTHING)}, stdio]`,
    '',
  ].join('\n');
  server = await startMirrorvox({
    yaml,
    env: {
      MIRRORVOX_LLM__URL: llm.url,
      MIRRORVOX_LLM__MODEL: 'fake-llm',
      MIRRORVOX_LIBRARY__DIR: join(dir, 'voices'),
    },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${question}%noloop`,
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await llm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a spoken question answered with the MCP get-sum result', async () => {
  const page = await browser.newPage();
  const log = [];
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  try {
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="open"]').waitFor(WAIT);
    await page.click('#talk');
    await page.locator('#talk[aria-pressed="true"]').waitFor(WAIT);
    await page.locator('li.msg.user .text', { hasText: /six|seven/i }).first().waitFor(WAIT);
    const answer = page.locator('li.msg.assistant .text', { hasText: 'The sum of 6 and 7 is 13.' });
    await answer.waitFor(WAIT);
    const text = await answer.textContent();
    assert.doesNotMatch(text, /get-sum|\{/, 'no tool name or arguments in the reply');
    await page.waitForFunction(
      () => Number(document.getElementById('player').dataset.playedSamples) > 0,
      null,
      WAIT,
    );
    await page.locator('#latency[data-turns="1"]').waitFor(WAIT);
    const tools = await page.textContent('#latency tr[data-stage="tools_ms"] td.ms');
    assert.match(tools, /^\d+$/);
    assert.ok(Number(tools) > 0, `time in tools shown: ${tools}`);
    await page.screenshot({ path: join(OUT, 'web-client-tools.png') });
    assert.deepEqual(log.filter((l) => l.startsWith('pageerror')), []);
  } catch (err) {
    const said = await page.locator('li.msg .text').allTextContents().catch(() => []);
    throw new Error(
      `${err.message}\nconversation: ${JSON.stringify(said)}\npage log:\n${log.join('\n')}` +
        `\nserver log:\n${server.log().slice(-3000)}`,
    );
  } finally {
    await page.close();
  }
});
