// The settings panel and the language-model banner. Settings (model, voice,
// language, hands-free / push to talk) are saved in this browser
// (localStorage) and sent to the session with session.update. The model is
// picked among those the server offers (GET /healthz: llm.models, from its
// configured or discovered endpoints): a browser never names a URL.

const KEY = 'mirrorvox.settings';
const DEFAULTS = { model: '', voice: '', language: '', mode: 'vad' };

export function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || '{}');
    const s = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS)) if (typeof saved[k] === 'string') s[k] = saved[k];
    if (s.mode !== 'vad' && s.mode !== 'ptt') s.mode = 'vad';
    return s;
  } catch {
    return { ...DEFAULTS }; // storage off or garbled: the defaults
  }
}

export function saveSettings(s) {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

// The session.update `session` fields (GA shape) for model and language.
// Only a model the server offers is sent ("" = its default), so a stale or
// tampered setting never reaches it.
export function sessionFields(s, llm) {
  const offered = llm && Array.isArray(llm.models) ? llm.models : [];
  return {
    model: offered.includes(s.model) ? s.model : '',
    audio: { input: { transcription: { language: s.language || '' } } },
  };
}

// What /healthz says about the language model, or null when unknown.
export async function fetchLlmStatus() {
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    if (!res.ok) return null;
    const j = await res.json();
    return j && j.llm ? j.llm : null;
  } catch {
    return null;
  }
}

// Fills the model picker: "server default" first, then every offered model.
export function fillModelSelect(select, llm, wanted) {
  const models = (llm && Array.isArray(llm.models) ? llm.models : []).filter((m) => typeof m === 'string');
  const def = llm && llm.model ? ` (${llm.model})` : '';
  const options = [new Option(`Server default${def}`, '')];
  for (const m of models) options.push(new Option(m, m));
  select.replaceChildren(...options);
  select.value = models.includes(wanted) ? wanted : '';
  select.disabled = models.length === 0;
  return select.value;
}

// One line on where replies come from.
export function llmStateText(llm) {
  if (!llm) return 'Language model: unknown (server status unavailable).';
  switch (llm.mode) {
    case 'configured':
      return `Language model: ${llm.model || 'the server default'} (configured).`;
    case 'discovered':
      return `Language model: ${llm.model} on ${llm.server || 'a local server'} (found on the server's machine).`;
    case 'echo':
      return 'Language model: none — echo mode.';
    default:
      return 'Language model: none — replies fail.';
  }
}

// The banner: shown while no model answers, with the reason and the one
// thing to change on the server.
export function showLlmBanner(banner, text, fix, llm) {
  const none = llm && (llm.mode === 'echo' || llm.mode === 'none');
  banner.hidden = !none;
  banner.dataset.mode = llm ? llm.mode : '';
  if (!none) return;
  const what =
    llm.mode === 'echo'
      ? 'No language model is connected, so replies only repeat what you said (echo mode).'
      : 'No language model is connected, so there are no replies.';
  text.textContent = `${what} ${llm.reason ? `Why: ${llm.reason}.` : ''}`.trim();
  fix.textContent = 'MIRRORVOX_LLM__URL=http://127.0.0.1:11434/v1 MIRRORVOX_LLM__MODEL=<model>';
  fix.title = llm.fix || '';
}
