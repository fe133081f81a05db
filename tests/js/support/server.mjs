// Starts the real binaries the way a user would: `mirrorvox serve` on a free
// port and the OpenAI-compatible LLM double, for the JS tests (openai SDK,
// playwright). Paths come from ctest (MIRRORVOX_BIN, MIRRORVOX_FAKE_LLM).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MIRRORVOX_BIN = process.env.MIRRORVOX_BIN || 'mirrorvox';
export const FAKE_LLM_BIN = process.env.MIRRORVOX_FAKE_LLM || 'mirrorvox-fake-llm';

// ctest's MIRRORVOX_BIN/FAKE_LLM/TEST_OUT are for us, not config overrides:
// the binary rejects unknown MIRRORVOX_* variables.
const TEST_VARS = ['MIRRORVOX_BIN', 'MIRRORVOX_FAKE_LLM', 'MIRRORVOX_TEST_OUT'];
function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  for (const name of TEST_VARS) delete env[name];
  return env;
}

export function tempDir(prefix = 'mvjs-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// Spawns `argv` and resolves once a stdout/stderr line matches
// "listening on http(s)://host:port"; rejects if it exits first or times out.
function startListening(argv, env, timeoutMs, name) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    const onData = (chunk) => {
      log += chunk.toString();
      const m = log.match(/listening on (https?):\/\/[^:\s]+:(\d+)/);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ child, scheme: m[1], port: Number(m[2]), log: () => log });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      onData(chunk);
      if (process.env.MIRRORVOX_JS_VERBOSE) process.stderr.write(chunk);
    });
    child.on('exit', (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${log}`));
    });
  });
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10000).unref();
    });
}

// The OpenAI-compatible LLM double (tests/fakes): `--reply TEXT`, `--echo`,
// `--ttft-ms N`, `--tokens-per-s X`.
export async function startFakeLlm(args = []) {
  const p = await startListening([FAKE_LLM_BIN, ...args], {}, 20000, 'mirrorvox-fake-llm');
  return { ...p, url: `http://127.0.0.1:${p.port}/v1`, stop: stopper(p.child) };
}

// `mirrorvox serve --host 127.0.0.1 --port 0` with `yaml` as its config file
// (plus MIRRORVOX_* overrides in `env`). Resolves with {url, port, scheme,
// dir, stop(), log()}; `url` is the server's base URL (https when TLS is on).
export async function startMirrorvox({ yaml = '', env = {}, args = [], timeoutMs = 90000 } = {}) {
  const dir = tempDir('mvjs-server-');
  const configPath = join(dir, 'mirrorvox.yaml');
  writeFileSync(configPath, yaml);
  const p = await startListening(
    [MIRRORVOX_BIN, 'serve', '--config', configPath, '--host', '127.0.0.1', '--port', '0', ...args],
    // The machine user's own API keys never reach a test's server, and LLM
    // discovery is off unless asked: what listens on this machine's usual
    // LLM ports must not answer for a test.
    {
      MIRRORVOX_LOG_LEVEL: 'info',
      MIRRORVOX_SERVER__AUTH__KEYS_FILE: join(dir, 'keys.json'),
      MIRRORVOX_LLM__DISCOVER: 'false',
      ...env,
    },
    timeoutMs,
    'mirrorvox serve',
  );
  return {
    ...p,
    dir,
    url: `${p.scheme}://127.0.0.1:${p.port}`,
    stop: stopper(p.child),
  };
}

// A WAV of `text` spoken by flite (`mirrorvox say`), for test questions.
export function sayWav(text, path, voice = 'rms') {
  execFileSync(MIRRORVOX_BIN, ['say', text, '--voice', voice, '-o', path], {
    stdio: 'pipe',
    env: childEnv(),
  });
  return path;
}
