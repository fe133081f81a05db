// mirrorvox web client: wires the microphone, the player and the transcript
// to the /v1/realtime session (docs/realtime.md). No framework, no build step.
import { keyRequired, setApiKey } from './api-key.js';
import { MicCapture, Player, microphoneErrorMessage } from './audio.js';
import { LatencyTable } from './latency.js';
import { base64ToPcm16, pcm16ToBase64 } from './pcm.js';
import { RealtimeClient } from './realtime.js';
import { Transcript } from './transcript.js';
import { fetchVoices, fillVoiceSelect, recordAndEnrol } from './voices.js';
import {
  fetchLlmStatus,
  fillModelSelect,
  llmStateText,
  loadSettings,
  saveSettings,
  sessionFields,
  showLlmBanner,
} from './settings.js';

const $ = (id) => document.getElementById(id);
const ui = {
  connection: $('connection'),
  alert: $('alert'),
  alertText: $('alert-text'),
  alertAction: $('alert-action'),
  alertClose: $('alert-close'),
  talk: $('talk'),
  level: $('level'),
  activity: $('activity'),
  textForm: $('text-form'),
  textInput: $('text-input'),
  voice: $('voice'),
  enrol: $('enrol'),
  enrolForm: $('enrol-form'),
  enrolName: $('enrol-name'),
  enrolRecord: $('enrol-record'),
  enrolStatus: $('enrol-status'),
  player: $('player'),
  llmBanner: $('llm-banner'),
  llmBannerText: $('llm-banner-text'),
  llmBannerFix: $('llm-banner-fix'),
  model: $('setting-model'),
  language: $('setting-language'),
  llmState: $('llm-state'),
};

const client = new RealtimeClient();
const mic = new MicCapture();
const player = new Player();
const transcript = new Transcript($('transcript'));
const latency = new LatencyTable($('latency'), $('latency-caption'));

const state = {
  mode: 'vad', // 'vad' (hands-free, server VAD) or 'ptt' (push to talk)
  listening: false, // hands-free: streaming the microphone
  holding: false, // push to talk: button held
  heldSamples: 0,
  activeResponse: null, // id of the response in progress
  muted: new Set(), // responses cut off by barge-in: drop their late audio
  voice: '', // the session's voice, as the server reported it
  wantedVoice: '', // picked before the session existed
  taps: new Set(), // extra consumers of microphone frames (enrolment)
  bargeIns: 0, // replies cut short by the user's speech
  refused: false, // the server turned this session away (session_limit)
  settings: loadSettings(), // saved in this browser (settings.js)
  session: null, // the session as the server last reported it
  llm: null, // /healthz llm: which model answers
};
state.mode = state.settings.mode;
state.wantedVoice = state.settings.voice;
window.mirrorvox = { client, mic, player, state }; // for the console and tests

// ---- messages ---------------------------------------------------------

function showAlert(text, kind, action = null) {
  ui.alertText.textContent = text;
  ui.alert.dataset.kind = kind;
  ui.alert.hidden = false;
  ui.alertAction.hidden = !action;
  if (action) {
    ui.alertAction.textContent = action.label;
    ui.alertAction.onclick = action.run;
  }
}

function hideAlert(kind = null) {
  if (kind && ui.alert.dataset.kind !== kind) return;
  ui.alert.hidden = true;
}
ui.alertClose.onclick = () => hideAlert();

function setActivity(text) {
  ui.activity.textContent = text;
}

function idleHint() {
  if (state.mode === 'ptt') return 'Push to talk: hold the button (or the space bar) while you speak.';
  return state.listening ? 'Listening — just talk.' : 'Hands-free: press Start, then just talk.';
}

// ---- connection -------------------------------------------------------

function setConnection(s, text) {
  ui.connection.dataset.state = s;
  ui.connection.textContent = text;
}

let openWaiters = [];
function connect() {
  setConnection('connecting', 'Connecting…');
  client.connect();
}

// Resolves once the session is open (connecting if needed); throws after 8 s.
function ensureConnected() {
  if (client.open) return Promise.resolve();
  if (!client.ws) connect();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), 8000);
    openWaiters.push((ok) => {
      clearTimeout(timer);
      ok ? resolve() : reject(new Error('closed'));
    });
  });
}

function settleWaiters(ok) {
  const w = openWaiters;
  openWaiters = [];
  for (const f of w) f(ok);
}

client.onopen = () => {
  setConnection('open', 'Connected');
  hideAlert('connection');
  // The session starts with the server's defaults: align it with the page.
  const session = { type: 'realtime', ...sessionFields(state.settings, state.llm) };
  if (state.mode === 'ptt') session.audio.input.turn_detection = null;
  if (state.wantedVoice) session.audio.output = { voice: state.wantedVoice };
  client.send({ type: 'session.update', session });
  settleWaiters(true);
};

// A server with server.auth asks for a key: the form keeps it in this browser.
$('key-form').onsubmit = (e) => {
  e.preventDefault();
  setApiKey($('key-input').value.trim());
  $('key-form').hidden = true;
  $('key-input').value = '';
  loadVoices();
  connect();
};

async function askForKeyIfNeeded() {
  if (!(await keyRequired())) return false;
  hideAlert('connection');
  setConnection('closed', 'Key needed');
  $('key-form').hidden = false;
  $('key-input').focus();
  return true;
}

client.onclose = ({ everOpened, code }) => {
  setConnection('closed', 'Offline');
  stopListening();
  releaseHold(false);
  player.stop();
  state.activeResponse = null;
  settleWaiters(false);
  const where = client.url;
  const busy = state.refused;
  state.refused = false;
  const text = busy
    ? 'The server is busy (too many sessions). Try again in a moment.'
    : everOpened
    ? `The connection to the server was lost (code ${code}). Replies stop until it is back.`
    : `Could not open the realtime connection (${where}). Is the server running and reachable from this device?`;
  showAlert(text, 'connection', { label: 'Reconnect', run: () => connect() });
  if (!everOpened && !busy) askForKeyIfNeeded();
};

// ---- server events ----------------------------------------------------

function voiceOf(session) {
  if (!session) return '';
  return (session.audio && session.audio.output && session.audio.output.voice) || session.voice || '';
}

function onSession(session) {
  state.session = session || null;
  state.voice = voiceOf(session);
  if (state.voice && [...ui.voice.options].some((o) => o.value === state.voice)) {
    ui.voice.value = state.voice;
  }
}

function onItem(item) {
  if (!item || item.type !== 'message') return;
  if (item.role === 'user') {
    const typed = (item.content || []).find((c) => c.type === 'input_text');
    if (typed) {
      const li = transcript.get(item.id) || transcript.adoptLocal(item.id, typed.text);
      if (!li) transcript.setText(transcript.bubble(item.id, 'user'), typed.text);
    } else {
      transcript.bubble(item.id, 'user');
    }
  } else if (item.role === 'assistant') {
    transcript.bubble(item.id, 'assistant');
  }
}

function assistantBubble(e) {
  return transcript.bubble(e.item_id, 'assistant');
}

function onResponseDone(response, timing) {
  if (!response) return;
  if (state.activeResponse === response.id) state.activeResponse = null;
  const li = (response.output || [])
    .map((o) => o && transcript.get(o.id))
    .find((x) => x);
  const details = response.status_details || {};
  if (response.status === 'cancelled') {
    if (li) transcript.note(li, details.reason === 'turn_detected' ? 'interrupted' : 'cancelled');
  } else if (response.status === 'failed') {
    const err = details.error || {};
    const message = err.message || 'the reply failed';
    if (li) transcript.note(li, `failed: ${message}`, true);
    if (err.code === 'llm_unavailable' || /llm/i.test(err.code || '')) {
      showAlert(llmMessage(message), 'llm');
    } else if (ui.alert.hidden) {
      showAlert(`The reply failed: ${message}`, 'response');
    }
  }
  if (timing) latency.add(timing);
  if (!player.playing) setActivity(idleHint());
}

function llmMessage(detail) {
  return `The server’s language model is unreachable, so there is no reply${
    detail ? ` (${detail})` : ''
  }. Check llm.endpoints in its config.`;
}

function onError(e) {
  const err = e.error || {};
  switch (err.code) {
    case 'llm_unavailable':
      showAlert(llmMessage(err.message), 'llm');
      break;
    case 'response_cancel_not_active':
      break; // the reply had ended already: nothing to stop
    case 'input_audio_buffer_commit_empty':
      setActivity('Nothing was heard. Hold the button while you speak.');
      break;
    case 'unknown_voice':
      showAlert(`That voice is not available: ${err.message}`, 'voice');
      if (state.voice) ui.voice.value = state.voice;
      break;
    case 'session_limit':
      state.refused = true; // the server closes next: onclose says so
      break;
    default:
      showAlert(`Server error: ${err.message || err.code || 'unknown'}`, 'server');
  }
}

const handlers = {
  'session.created': (e) => onSession(e.session),
  'session.updated': (e) => onSession(e.session),
  'input_audio_buffer.speech_started': (e) => {
    // Barge-in: silence the reply at once; the server cancels it.
    if (player.stop()) state.bargeIns++;
    if (state.activeResponse) state.muted.add(state.activeResponse);
    if (e.item_id) transcript.bubble(e.item_id, 'user');
    setActivity('Hearing you…');
  },
  'input_audio_buffer.speech_stopped': () => setActivity('Thinking…'),
  'input_audio_buffer.committed': (e) => {
    if (e.item_id) transcript.bubble(e.item_id, 'user');
  },
  'conversation.item.added': (e) => onItem(e.item),
  'conversation.item.created': (e) => onItem(e.item),
  'conversation.item.input_audio_transcription.delta': (e) => {
    const li = transcript.bubble(e.item_id, 'user');
    if (li.classList.contains('pending')) transcript.setText(li, '');
    transcript.appendText(li, e.delta || '');
  },
  'conversation.item.input_audio_transcription.completed': (e) => {
    const text = (e.transcript || '').trim();
    if (text) transcript.setText(transcript.bubble(e.item_id, 'user'), text);
    else transcript.remove(e.item_id);
  },
  'conversation.item.input_audio_transcription.failed': (e) => {
    const li = transcript.bubble(e.item_id, 'user');
    transcript.setText(li, '(not understood)');
  },
  'response.created': (e) => {
    state.activeResponse = e.response && e.response.id;
    setActivity('Answering…');
  },
  'response.output_item.added': (e) => onItem(e.item),
  'response.output_audio_transcript.delta': (e) => transcript.appendText(assistantBubble(e), e.delta || ''),
  'response.output_text.delta': (e) => transcript.appendText(assistantBubble(e), e.delta || ''),
  'response.output_audio_transcript.done': (e) => {
    if (typeof e.transcript === 'string' && e.transcript) transcript.setText(assistantBubble(e), e.transcript);
  },
  'response.output_text.done': (e) => {
    if (typeof e.text === 'string' && e.text) transcript.setText(assistantBubble(e), e.text);
  },
  'response.output_audio.delta': (e) => {
    if (state.muted.has(e.response_id) || !e.delta) return;
    player.play(base64ToPcm16(e.delta));
  },
  'response.done': (e) => onResponseDone(e.response, e.timing),
  error: (e) => onError(e),
};
// The beta names (docs/realtime.md) mean the same.
handlers['response.audio.delta'] = handlers['response.output_audio.delta'];
handlers['response.audio_transcript.delta'] = handlers['response.output_audio_transcript.delta'];
handlers['response.audio_transcript.done'] = handlers['response.output_audio_transcript.done'];
handlers['response.text.delta'] = handlers['response.output_text.delta'];
handlers['response.text.done'] = handlers['response.output_text.done'];

client.onevent = (e) => {
  const h = handlers[e.type];
  if (h) h(e);
};

player.onchange = (playing) => {
  if (playing) setActivity(state.mode === 'ptt' ? 'Speaking… (hold to interrupt)' : 'Speaking… (talk to interrupt)');
  else if (!state.activeResponse) setActivity(idleHint());
};
// Counters for tests: how much audio actually played out.
setInterval(() => {
  ui.player.dataset.playedSamples = String(player.playedSamples);
  ui.player.dataset.scheduledSamples = String(player.scheduledSamples);
  ui.player.dataset.bargeIns = String(state.bargeIns);
}, 250);

// ---- microphone -------------------------------------------------------

mic.onlevel = (level) => {
  ui.level.style.width = `${Math.min(100, Math.round(level * 400))}%`;
};
mic.onframe = (pcm) => {
  for (const tap of state.taps) tap(pcm);
  if (state.taps.size > 0) return; // enrolling: the session does not hear it
  if (state.listening || state.holding) {
    client.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm) });
    if (state.holding) state.heldSamples += pcm.length;
  }
};

// Opens the microphone; shows why when it cannot. Returns success.
async function openMic() {
  try {
    await mic.start();
    hideAlert('microphone');
    return true;
  } catch (err) {
    showAlert(microphoneErrorMessage(err), 'microphone');
    return false;
  }
}

function updateTalkButton() {
  if (state.mode === 'ptt') {
    ui.talk.textContent = state.holding ? 'Release to send' : 'Hold to talk';
    ui.talk.setAttribute('aria-pressed', String(state.holding));
  } else {
    ui.talk.textContent = state.listening ? 'Stop' : 'Start';
    ui.talk.setAttribute('aria-pressed', String(state.listening));
  }
}

async function startListening() {
  await player.prepare();
  try {
    await ensureConnected();
  } catch {
    return; // onclose explained it
  }
  if (!(await openMic())) return;
  state.listening = true;
  updateTalkButton();
  setActivity(idleHint());
}

function stopListening() {
  if (!state.listening) return;
  state.listening = false;
  client.send({ type: 'input_audio_buffer.clear' });
  if (state.taps.size === 0) mic.stop();
  updateTalkButton();
  setActivity(idleHint());
}

// Push to talk: barge in, then stream until release.
async function pressHold() {
  if (state.holding) return;
  state.holding = true;
  state.heldSamples = 0;
  updateTalkButton();
  player.stop();
  await player.prepare();
  if (state.activeResponse) {
    state.muted.add(state.activeResponse);
    client.send({ type: 'response.cancel' });
  }
  let ok = true;
  try {
    await ensureConnected();
  } catch {
    ok = false;
  }
  ok = ok && (await openMic());
  if (!ok || !state.holding) {
    releaseHold(false);
    return;
  }
  client.send({ type: 'input_audio_buffer.clear' });
  setActivity('Hearing you… release to send.');
}

function releaseHold(send = true) {
  if (!state.holding) return;
  state.holding = false;
  updateTalkButton();
  if (!send || !client.open) return;
  if (state.heldSamples < 0.25 * 24000) {
    client.send({ type: 'input_audio_buffer.clear' });
    setActivity('Too short: hold the button while you speak.');
    return;
  }
  client.send({ type: 'input_audio_buffer.commit' });
  client.send({ type: 'response.create' });
  setActivity('Thinking…');
}

ui.talk.addEventListener('click', () => {
  if (state.mode !== 'vad') return;
  if (state.listening) stopListening();
  else startListening();
});
ui.talk.addEventListener('pointerdown', (e) => {
  if (state.mode !== 'ptt' || e.button !== 0) return;
  ui.talk.setPointerCapture(e.pointerId);
  pressHold();
});
for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
  ui.talk.addEventListener(type, () => {
    if (state.mode === 'ptt') releaseHold();
  });
}
ui.talk.addEventListener('contextmenu', (e) => e.preventDefault()); // long press on phones

// Space in a text field or a select is theirs; elsewhere it is push to talk.
function typingInto(target) {
  if (!target) return false;
  if (target.tagName === 'INPUT') return !['radio', 'checkbox', 'button', 'submit'].includes(target.type);
  return target.isContentEditable || ['TEXTAREA', 'SELECT'].includes(target.tagName);
}
window.addEventListener('keydown', (e) => {
  if (e.code !== 'Space' || state.mode !== 'ptt' || typingInto(e.target)) return;
  e.preventDefault();
  if (!e.repeat) pressHold();
});
window.addEventListener('keyup', (e) => {
  if (e.code !== 'Space' || state.mode !== 'ptt' || typingInto(e.target)) return;
  e.preventDefault();
  releaseHold();
});
window.addEventListener('blur', () => releaseHold()); // a key up we will never see

for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    state.mode = radio.value;
    saveSetting('mode', state.mode);
    stopListening();
    releaseHold(false);
    const turn_detection = state.mode === 'ptt' ? null : { type: 'server_vad' };
    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection } } } });
    updateTalkButton();
    setActivity(idleHint());
  });
}

// ---- text -------------------------------------------------------------

ui.textForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = ui.textInput.value.trim();
  if (!text) return;
  await player.prepare();
  try {
    await ensureConnected();
  } catch {
    return;
  }
  if (state.activeResponse) {
    player.stop();
    state.muted.add(state.activeResponse);
    client.send({ type: 'response.cancel' });
  }
  ui.textInput.value = '';
  transcript.addLocalUser(text);
  client.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
  client.send({ type: 'response.create' });
  setActivity('Thinking…');
});

// ---- voices -----------------------------------------------------------

async function loadVoices(select = '') {
  try {
    const list = await fetchVoices();
    fillVoiceSelect(ui.voice, list, select || state.voice || state.wantedVoice);
  } catch (err) {
    ui.voice.replaceChildren(new Option('Server default (voice list unavailable)', ''));
    ui.voice.disabled = true;
  }
}

function chooseVoice(id) {
  state.wantedVoice = id;
  saveSetting('voice', id);
  client.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: id } } } });
}
ui.voice.addEventListener('change', () => chooseVoice(ui.voice.value));

ui.enrolForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = ui.enrolName.value.trim();
  if (!name) return;
  ui.enrolRecord.disabled = true;
  const closeMicAfter = !mic.running;
  try {
    if (!(await openMic())) {
      ui.enrolStatus.textContent = 'The microphone is needed to record a voice.';
      return;
    }
    ui.enrolStatus.textContent = 'Recording… speak now.';
    const seconds = 6;
    const voice = await recordAndEnrol({
      name,
      seconds,
      tap: (fn) => {
        state.taps.add(fn);
        return () => state.taps.delete(fn);
      },
      onprogress: (p) => {
        if (p < 1) ui.enrolStatus.textContent = `Recording… ${Math.ceil(seconds * (1 - p))} s left.`;
        else ui.enrolStatus.textContent = 'Saving…';
      },
    });
    const secs = typeof voice.duration === 'number' ? ` (${voice.duration.toFixed(1)} s kept)` : '';
    ui.enrolStatus.textContent = `Saved “${voice.name || name}”${secs}; replies now use it.`;
    ui.enrolName.value = '';
    await loadVoices(voice.id);
    ui.voice.value = voice.id;
    chooseVoice(voice.id);
  } catch (err) {
    ui.enrolStatus.textContent = `Could not save the voice: ${err.message}`;
  } finally {
    ui.enrolRecord.disabled = false;
    if (closeMicAfter && !state.listening && !state.holding) mic.stop();
  }
});

// ---- settings and the language model ----------------------------------

function saveSetting(key, value) {
  state.settings = { ...state.settings, [key]: value };
  saveSettings(state.settings);
}

function sendSettings() {
  if (!client.open) return; // onopen sends them
  client.send({ type: 'session.update', session: { type: 'realtime', ...sessionFields(state.settings, state.llm) } });
}

async function refreshLlm() {
  const llm = await fetchLlmStatus();
  const previous = state.llm;
  state.llm = llm;
  showLlmBanner(ui.llmBanner, ui.llmBannerText, ui.llmBannerFix, llm);
  ui.llmState.textContent = llmStateText(llm);
  // A saved model the server no longer offers shows (and asks for) the default.
  const before = sessionFields(state.settings, previous).model;
  fillModelSelect(ui.model, llm, state.settings.model);
  if (sessionFields(state.settings, llm).model !== before) sendSettings();
}

ui.model.addEventListener('change', () => {
  saveSetting('model', ui.model.value);
  sendSettings();
});
ui.language.addEventListener('change', () => {
  saveSetting('language', ui.language.value);
  sendSettings();
});

// ---- start ------------------------------------------------------------

for (const radio of document.querySelectorAll('input[name="mode"]')) radio.checked = radio.value === state.mode;
ui.language.value = [...ui.language.options].some((o) => o.value === state.settings.language)
  ? state.settings.language
  : '';
updateTalkButton();
setActivity(idleHint());
connect();
loadVoices();
refreshLlm();
setInterval(refreshLlm, 30000); // discovery looks again every 30 s
