// mirrorvox over HTTPS/WSS with the certificate it generates itself
// (`server.tls.self_signed`), and openai SDK clients that trust exactly that
// certificate as their CA: no NODE_TLS_REJECT_UNAUTHORIZED, no
// rejectUnauthorized: false.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Agent } from 'undici';

import { startMirrorvox, tempDir } from './server.mjs';

// Starts `mirrorvox serve` with a fresh $XDG_DATA_HOME, so the first start
// generates the pair in $XDG_DATA_HOME/mirrorvox/tls. Resolves with the
// server (see startMirrorvox) plus {ca, certPath, baseURL, dispatcher}.
export async function startTlsMirrorvox({ yaml = '', env = {}, args = [] } = {}) {
  const data = tempDir('mvjs-xdg-');
  const server = await startMirrorvox({
    yaml,
    args,
    env: { XDG_DATA_HOME: data, MIRRORVOX_SERVER__TLS__SELF_SIGNED: 'true', ...env },
  });
  if (server.scheme !== 'https') {
    await server.stop();
    throw new Error(`expected "listening on https://", got:\n${server.log()}`);
  }
  const certPath = join(data, 'mirrorvox', 'tls', 'cert.pem');
  const ca = readFileSync(certPath, 'utf8');
  // undici's Agent, the dispatcher the SDK's fetch takes: trusts `ca` only.
  const dispatcher = new Agent({ connect: { ca } });
  const stop = server.stop;
  return {
    ...server,
    ca,
    certPath,
    dataDir: data,
    baseURL: `${server.url}/v1`,
    dispatcher,
    stop: async () => {
      await dispatcher.close();
      await stop();
    },
  };
}

// The official SDK pointed at the server, verifying its certificate.
export function openaiClient(server, options = {}) {
  return new OpenAI({
    apiKey: 'sk-mirrorvox-test',
    baseURL: server.baseURL,
    fetchOptions: { dispatcher: server.dispatcher },
    maxRetries: 0,
    ...options,
  });
}

// Options for the SDK's realtime WebSocket clients (`ws` under the hood).
export function realtimeWsOptions(server) {
  return { ca: server.ca };
}
