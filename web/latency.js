// The per-turn latency breakdown from response.done's `timing`: the last
// turn and the running average; the bars are a waterfall (each stage from
// the end of the one before), so the slow stage stands out.

const STAGES = ['asr_ms', 'llm_first_token_ms', 'first_segment_ms', 'first_audio_ms', 'done_ms'];
// Durations, not moments: time spent in tools during the turn (0 when none ran).
const DURATIONS = ['tools_ms'];

export class LatencyTable {
  constructor(table, caption) {
    this.table = table;
    this.caption = caption;
    this.turns = 0;
    this.sums = {};
    this.counts = {};
  }

  add(timing) {
    if (!timing || typeof timing !== 'object') return;
    this.turns++;
    const scale = Math.max(1, ...STAGES.map((s) => Number(timing[s]) || 0));
    let previous = 0;
    for (const stage of STAGES) {
      const row = this.table.querySelector(`tr[data-stage="${stage}"]`);
      const v = timing[stage];
      const has = typeof v === 'number' && Number.isFinite(v);
      if (has) {
        this.sums[stage] = (this.sums[stage] || 0) + v;
        this.counts[stage] = (this.counts[stage] || 0) + 1;
      }
      row.querySelector('.ms').textContent = has ? String(Math.round(v)) : '–';
      const n = this.counts[stage];
      row.querySelector('.avg').textContent = n ? String(Math.round(this.sums[stage] / n)) : '–';
      const bar = row.querySelector('.bar span');
      const from = Math.min(previous, has ? v : previous);
      bar.style.marginLeft = `${(100 * from) / scale}%`;
      bar.style.width = has ? `${(100 * (v - from)) / scale}%` : '0';
      bar.style.minWidth = has ? '3px' : '0'; // a stage that took ~0 ms still shows
      if (has) previous = Math.max(previous, v);
    }
    for (const key of DURATIONS) {
      const row = this.table.querySelector(`tr[data-stage="${key}"]`);
      if (!row) continue;
      const v = typeof timing[key] === 'number' && Number.isFinite(timing[key]) ? timing[key] : 0;
      this.sums[key] = (this.sums[key] || 0) + v;
      this.counts[key] = (this.counts[key] || 0) + 1;
      row.querySelector('.ms').textContent = String(Math.round(v));
      row.querySelector('.avg').textContent = String(Math.round(this.sums[key] / this.counts[key]));
      const bar = row.querySelector('.bar span');
      bar.style.marginLeft = '0';
      bar.style.width = `${(100 * Math.min(v, scale)) / scale}%`;
      bar.style.minWidth = v > 0 ? '3px' : '0';
    }
    const audio = typeof timing.asr_audio_ms === 'number'
      ? `, ${(timing.asr_audio_ms / 1000).toFixed(1)} s of speech`
      : '';
    this.caption.textContent = `Turn ${this.turns}${audio}. Milliseconds after you stopped speaking.`;
    this.table.dataset.turns = String(this.turns);
  }
}
