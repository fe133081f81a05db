// The /v1/realtime WebSocket (docs/realtime.md, current event names) on the
// page's own host: ws:// for http pages, wss:// for https ones.
import { realtimeProtocols } from './api-key.js';

export function realtimeUrl(loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/v1/realtime`;
}

export class RealtimeClient {
  constructor(url = realtimeUrl()) {
    this.url = url;
    this.ws = null;
    this.nextEventId = 1;
    this.onevent = null; // (event) => void, every server event
    this.onopen = null;
    this.onclose = null; // ({everOpened, code, reason}) => void
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    this.close();
    let everOpened = false;
    const ws = new WebSocket(this.url, realtimeProtocols());
    this.ws = ws;
    ws.onopen = () => {
      everOpened = true;
      if (this.onopen) this.onopen();
    };
    ws.onmessage = (e) => {
      let event;
      try {
        event = JSON.parse(e.data);
      } catch {
        return; // not ours to interpret; the protocol is JSON text frames
      }
      if (this.onevent) this.onevent(event);
    };
    // onerror carries no detail in browsers; onclose follows it and reports.
    ws.onclose = (e) => {
      if (this.ws !== ws) return; // replaced by a newer connect()
      this.ws = null;
      if (this.onclose) this.onclose({ everOpened, code: e.code, reason: e.reason });
    };
  }

  // Sends a client event; returns its event_id, or null when not connected.
  send(event) {
    if (!this.open) return null;
    const event_id = `evt_web_${this.nextEventId++}`;
    this.ws.send(JSON.stringify({ event_id, ...event }));
    return event_id;
  }

  close() {
    if (!this.ws) return;
    const ws = this.ws;
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
  }
}
