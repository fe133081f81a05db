// The live transcript: one bubble per conversation item, filled as the
// server's transcription and transcript deltas arrive.

export class Transcript {
  constructor(list) {
    this.list = list;
    this.items = new Map(); // item_id → bubble element
  }

  clearPlaceholder() {
    const p = this.list.querySelector('.placeholder');
    if (p) p.remove();
  }

  // The bubble of `id`, made on first use.
  bubble(id, role) {
    let li = id ? this.items.get(id) : null;
    if (li) return li;
    this.clearPlaceholder();
    li = document.createElement('li');
    li.className = `msg ${role} pending`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = role === 'user' ? 'You' : 'Assistant';
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = role === 'user' ? '…' : '';
    li.append(who, text);
    if (id) {
      li.dataset.itemId = id;
      this.items.set(id, li);
    }
    this.list.append(li);
    this.scroll();
    return li;
  }

  // A user message typed here, shown before the server confirms it.
  addLocalUser(text) {
    const li = this.bubble(null, 'user');
    li.dataset.local = text;
    this.setText(li, text);
    return li;
  }

  // The server's item for a message typed here: adopt the local bubble.
  adoptLocal(id, text) {
    for (const li of this.list.querySelectorAll('li.msg.user[data-local]')) {
      if (li.dataset.local === text) {
        delete li.dataset.local;
        li.dataset.itemId = id;
        this.items.set(id, li);
        return li;
      }
    }
    return null;
  }

  setText(li, text) {
    li.querySelector('.text').textContent = text;
    li.classList.remove('pending');
    this.scroll();
  }

  appendText(li, delta) {
    const t = li.querySelector('.text');
    t.textContent += delta;
    li.classList.remove('pending');
    this.scroll();
  }

  note(li, text, failed = false) {
    let n = li.querySelector('.note');
    if (!n) {
      n = document.createElement('span');
      n.className = 'note';
      li.append(n);
    }
    n.textContent = text;
    li.classList.toggle('failed', failed);
    li.classList.remove('pending');
  }

  remove(id) {
    const li = this.items.get(id);
    if (!li) return;
    this.items.delete(id);
    li.remove();
  }

  get(id) {
    return this.items.get(id) || null;
  }

  scroll() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}
