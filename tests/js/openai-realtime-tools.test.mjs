// Realtime function calling with the official openai SDK (GA
// `openai/realtime/ws`) against the real binary over wss: a function the
// client declares (the call comes out as a function_call item, the client
// answers with function_call_output + response.create), and the server-side
// tools of the real MCP reference server (@modelcontextprotocol/server-
// everything over stdio), which run without a round trip. The LLM double
// calls the first offered tool named add_numbers or get-sum with the two
// numbers of the question, then answers "Here you go. <tool result>".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { startFakeLlm } from './support/server.mjs';
import { openaiClient, realtimeWsOptions, startTlsMirrorvox } from './support/tls.mjs';

const WAIT_MS = 60000;
const EVERYTHING = fileURLToPath(
  new URL('./node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);

let llm;
let server;
let client;

before(async () => {
  llm = await startFakeLlm(['--tool-sum', 'add_numbers,get-sum']);
  const yaml = [
    'tools:',
    '  connect_timeout_ms: 60000',
    '  filler_after_ms: 600000',
    '  mcp_servers:',
    '    - name: everything',
    '      command: node',
    `      args: [${JSON.stringify(EVERYTHING)}, stdio]`,
    '',
  ].join('\n');
  server = await startTlsMirrorvox({
    yaml,
    env: { MIRRORVOX_LLM__URL: llm.url, MIRRORVOX_LLM__MODEL: 'fake-llm' },
  });
  client = openaiClient(server);
});

after(async () => {
  await server?.stop();
  await llm?.stop();
});

// A connected GA client recording every server event; waitFor() resolves
// with the first event from index `from` on that matches.
async function connect() {
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: realtimeWsOptions(server) }, client);
  const events = [];
  const errors = [];
  const waiters = new Set();
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
        if (!hit) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} in ${WAIT_MS} ms; got ${events.map((e) => e.type)}; ${errors}`));
      }, WAIT_MS);
      waiters.add(check);
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

function say(rt, text) {
  rt.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
}

test('a client-declared function: call item, arguments events, output, answer', async () => {
  const s = await connect();
  try {
    s.rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          {
            type: 'function',
            name: 'add_numbers',
            description: 'Adds two numbers.',
            parameters: {
              type: 'object',
              properties: { a: { type: 'number' }, b: { type: 'number' } },
              required: ['a', 'b'],
            },
          },
        ],
        tool_choice: 'auto',
      },
    });
    const updated = await s.waitType('session.updated');
    assert.equal(updated.session.tools[0].name, 'add_numbers');
    assert.equal(updated.session.tool_choice, 'auto');

    say(s.rt, 'What is 4 plus 5?');
    s.rt.send({ type: 'response.create' });
    const done = await s.waitType('response.done');
    assert.equal(done.response.status, 'completed', JSON.stringify(done.response));
    const call = done.response.output.find((o) => o.type === 'function_call');
    assert.ok(call, JSON.stringify(done.response.output));
    assert.equal(call.name, 'add_numbers');
    assert.deepEqual(JSON.parse(call.arguments), { a: 4, b: 5 });
    assert.ok(call.call_id);
    const added = await s.waitFor(
      (e) => e.type === 'response.output_item.added' && e.item.type === 'function_call',
      'function_call output_item.added',
    );
    assert.equal(added.item.call_id, call.call_id);
    const deltas = s.events.filter((e) => e.type === 'response.function_call_arguments.delta');
    assert.equal(deltas.map((e) => e.delta).join(''), call.arguments);
    const argsDone = await s.waitType('response.function_call_arguments.done');
    assert.equal(argsDone.call_id, call.call_id);
    assert.equal(argsDone.arguments, call.arguments);

    // The client runs it and hands the output back.
    const from = s.events.length;
    s.rt.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: call.call_id, output: '9' },
    });
    s.rt.send({ type: 'response.create' });
    const answer = await s.waitType('response.done', from);
    assert.equal(answer.response.status, 'completed', JSON.stringify(answer.response));
    const message = answer.response.output.find((o) => o.type === 'message');
    assert.equal(message.content[0].transcript, 'Here you go. 9');
    assert.equal(answer.response.output.some((o) => o.type === 'function_call'), false);
    assert.ok(s.events.slice(from).some((e) => e.type === 'response.output_audio.delta'));
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});

test('server-side MCP tools run without a round trip', async () => {
  const s = await connect();
  try {
    say(s.rt, 'What is 17 plus 25?');
    s.rt.send({ type: 'response.create' });
    const done = await s.waitType('response.done');
    assert.equal(done.response.status, 'completed', JSON.stringify(done.response));
    assert.equal(done.response.output.some((o) => o.type === 'function_call'), false);
    const message = done.response.output.find((o) => o.type === 'message');
    assert.equal(message.content[0].transcript, 'Here you go. The sum of 17 and 25 is 42.');
    assert.ok(done.timing.tools_ms > 0, JSON.stringify(done.timing));
    assert.equal(s.events.some((e) => e.type === 'response.function_call_arguments.delta'), false);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.close();
  }
});
