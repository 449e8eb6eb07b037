// What the widget remembers in this browser: the conversation id (Rasa's sender id), the last
// messages (so a returning user sees their history after a reload or on another page of the
// site) and messages written while offline (so they survive a reload before reconnecting).
// localStorage can be missing or throw (private mode, storage blocked in iframes); the widget
// then keeps the same data in memory and still works for the life of the page.

function storage() {
  try {
    const probe = "__frontline_probe__";
    window.localStorage.setItem(probe, "1");
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch (_) {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
    };
  }
}

export function newId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID().replace(/-/g, "");
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Store {
  /**
   * @param {string} prefix storage key prefix (config.storageKey)
   * @param {string} serverUrl several bots on one site keep separate conversations
   * @param {number} historyLimit how many messages to keep
   */
  constructor(prefix, serverUrl, historyLimit) {
    this.backend = storage();
    this.prefix = `${prefix}:${serverUrl}:`;
    this.historyLimit = historyLimit;
  }

  _get(name, fallback) {
    try {
      const raw = this.backend.getItem(this.prefix + name);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (_) {
      return fallback; // corrupt entry: start over rather than break the host page
    }
  }

  _set(name, value) {
    try {
      this.backend.setItem(this.prefix + name, JSON.stringify(value));
    } catch (_) {
      /* quota exceeded: history is a convenience, the live chat still works */
    }
  }

  /** The conversation id, created on first use so messages can be queued before connecting. */
  sessionId() {
    let id = this._get("session", null);
    if (!id) {
      id = newId();
      this._set("session", id);
    }
    return id;
  }

  setSessionId(id) {
    this._set("session", id);
  }

  history() {
    return this._get("history", []);
  }

  saveHistory(records) {
    this._set("history", records.slice(-this.historyLimit));
  }

  outbox() {
    return this._get("outbox", []);
  }

  saveOutbox(items) {
    this._set("outbox", items);
  }

  isOpen(fallback) {
    return this._get("open", fallback);
  }

  setOpen(open) {
    this._set("open", open);
  }

  /** Forget the conversation (the "new conversation" button). */
  clear() {
    for (const name of ["session", "history", "outbox"]) this.backend.removeItem(this.prefix + name);
  }
}
