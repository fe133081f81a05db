// The voice picker (GET /v1/audio/voices: engine voices, the voice library,
// `mirror`) and enrolment of a new library voice from the microphone.
import { authFetch } from './api-key.js';
import { RATE } from './audio.js';
import { encodeWav } from './pcm.js';

async function errorText(res) {
  try {
    const j = await res.json();
    if (j && j.error) return typeof j.error === 'string' ? j.error : j.error.message || res.statusText;
  } catch {
    // Not JSON: the status says enough.
  }
  return `${res.status} ${res.statusText}`;
}

// {voices: [{id, kind, name?}], default}; falls back to the library alone
// on a server without /v1/audio/voices.
export async function fetchVoices() {
  const res = await authFetch('/v1/audio/voices');
  if (res.ok) {
    const j = await res.json();
    return { voices: Array.isArray(j.voices) ? j.voices : [], default: j.default || '' };
  }
  const lib = await authFetch('/api/voices');
  if (!lib.ok) throw new Error(await errorText(lib));
  const j = await lib.json();
  const voices = (j.voices || []).map((v) => ({ id: v.id, name: v.name, kind: 'library' }));
  return { voices, default: '' };
}

const GROUPS = [
  ['engine', 'Built-in voices'],
  ['library', 'Voice library'],
  ['mirror', 'Your own voice'],
];

function label(v) {
  if (v.kind === 'mirror') return 'Mirror — answer in my voice';
  if (v.kind === 'library' && v.name && v.name !== v.id) return v.name;
  return v.name || v.id;
}

// Fills `select`; keeps `selected` when it is still listed.
export function fillVoiceSelect(select, list, selected) {
  select.replaceChildren();
  for (const [kind, title] of GROUPS) {
    const voices = list.voices.filter((v) => (v.kind || 'engine') === kind);
    if (voices.length === 0) continue;
    const group = document.createElement('optgroup');
    group.label = title;
    for (const v of voices) {
      const o = document.createElement('option');
      o.value = v.id;
      o.textContent = label(v);
      group.append(o);
    }
    select.append(group);
  }
  if (list.voices.length === 0) select.append(new Option('Server default', ''));
  const want = [selected, list.default].find((id) => id && list.voices.some((v) => v.id === id));
  if (want) select.value = want;
  select.disabled = list.voices.length === 0;
}

// Records `seconds` of microphone frames (Int16Array, 24 kHz) through
// `tap(onframe)` and uploads them as a WAV to POST /api/voices.
export async function recordAndEnrol({ name, seconds, tap, onprogress }) {
  const frames = [];
  let samples = 0;
  const want = seconds * RATE;
  await new Promise((resolve) => {
    const untap = tap((pcm) => {
      frames.push(pcm);
      samples += pcm.length;
      if (onprogress) onprogress(Math.min(1, samples / want));
      if (samples >= want) {
        untap();
        resolve();
      }
    });
  });
  const form = new FormData();
  form.append('name', name);
  form.append('audio', encodeWav(frames, RATE), 'enrol.wav');
  const res = await authFetch('/api/voices', { method: 'POST', body: form });
  if (!res.ok) throw new Error(await errorText(res));
  return res.json();
}
