// The widget: a launcher button and a chat panel in a Shadow DOM, so the host page's CSS cannot
// reach in and ours cannot leak out.
import css from "./styles.css";
import { Connection } from "./connection.js";
import { ICON_CHAT, ICON_CLOSE, ICON_NEW, ICON_SEND } from "./icons.js";
import { recordsFromServer } from "./messages.js";
import { Store, newId } from "./store.js";
import { format } from "./strings.js";
import { renderRecord } from "./view.js";

const TYPING_TIMEOUT_MS = 60000; // never leave the dots up forever if a reply goes missing
const RECONNECTED_NOTE_MS = 3000;

const TEMPLATE = `
<div class="fl-root">
  <section class="fl-panel" id="fl-panel" role="dialog" aria-labelledby="fl-title" aria-describedby="fl-subtitle" hidden>
    <header class="fl-header">
      <div class="fl-heading">
        <h2 class="fl-title" id="fl-title"></h2>
        <p class="fl-subtitle" id="fl-subtitle"></p>
      </div>
      <button type="button" class="fl-icon" data-action="new">${ICON_NEW}</button>
      <button type="button" class="fl-icon" data-action="close">${ICON_CLOSE}</button>
    </header>
    <div class="fl-status" role="status" aria-live="polite"></div>
    <div class="fl-log" role="log" aria-live="polite" tabindex="0">
      <ol class="fl-list"></ol>
      <div class="fl-typing" hidden>
        <span class="fl-sr"></span>
        <span class="fl-dots" aria-hidden="true"><i></i><i></i><i></i></span>
      </div>
    </div>
    <form class="fl-composer" novalidate>
      <label class="fl-sr" for="fl-input"></label>
      <textarea id="fl-input" class="fl-input" rows="1" maxlength="2000" autocomplete="off" enterkeyhint="send"></textarea>
      <button type="submit" class="fl-send">${ICON_SEND}</button>
    </form>
  </section>
  <button type="button" class="fl-launcher" aria-expanded="false" aria-controls="fl-panel">
    ${ICON_CHAT}<span class="fl-badge" aria-hidden="true" hidden></span>
  </button>
</div>`;

export class Widget {
  /** @param {object} config resolved options (config.js) */
  constructor(config) {
    this.config = config;
    this.strings = config.strings;
    this.store = new Store(config.storageKey, config.serverUrl, config.historyLimit);
    this.records = [];
    this.items = new Map(); // record id → <li>
    this.turn = 0;
    this.unread = 0;
    this.status = "connecting";
    this.typingTimer = null;
    this.statusTimer = null;
    this.inHandoff = false;
  }

  mount() {
    this.host = document.createElement("div");
    this.host.setAttribute("data-frontline-widget", "");
    const shadow = this.host.attachShadow({ mode: "open" });
    this._adoptStyles(shadow);
    const tpl = document.createElement("template");
    tpl.innerHTML = TEMPLATE.trim();
    shadow.append(tpl.content.cloneNode(true));
    this.shadow = shadow;
    this._bindElements();
    this._applyConfig();
    document.body.append(this.host);

    this._restore();
    this.connection = new Connection({
      serverUrl: this.config.serverUrl,
      socketPath: this.config.socketPath,
      store: this.store,
      onStatus: (status) => this._setStatus(status),
      onMessage: (message) => this.receive(message),
      onSent: (id) => this._markSent(id),
      identity: this.config.identity,
    });
    this.connection.start();
    if (this.store.isOpen(Boolean(this.config.open))) this.open({ focus: false });
  }

  _adoptStyles(shadow) {
    // Constructable stylesheets are not blocked by a host page's strict style-src CSP.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = css;
      shadow.append(style);
    }
  }

  _bindElements() {
    const $ = (selector) => this.shadow.querySelector(selector);
    this.root = $(".fl-root");
    this.panel = $(".fl-panel");
    this.launcher = $(".fl-launcher");
    this.badge = $(".fl-badge");
    this.subtitle = $(".fl-subtitle");
    this.statusLine = $(".fl-status");
    this.log = $(".fl-log");
    this.list = $(".fl-list");
    this.typing = $(".fl-typing");
    this.form = $(".fl-composer");
    this.input = $(".fl-input");

    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));
    $('[data-action="close"]').addEventListener("click", () => this.close());
    $('[data-action="new"]').addEventListener("click", () => {
      if (window.confirm(this.strings.newConversationConfirm)) this.newConversation();
    });
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._submit();
    });
    this.input.addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter adds a line; never interrupt an IME composition.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this._submit();
      }
    });
    this.input.addEventListener("input", () => this._autosize());
  }

  _applyConfig() {
    const { config, strings } = this;
    const colors = config.colors;
    const vars = {
      "--fl-primary": colors.primary,
      "--fl-on-primary": colors.onPrimary,
      "--fl-bg": colors.background,
      "--fl-text": colors.text,
      "--fl-bot": colors.botBubble,
      "--fl-engineer": colors.engineerBubble,
      "--fl-focus": colors.focus,
      "--fl-z": String(config.zIndex),
    };
    for (const [name, value] of Object.entries(vars)) this.root.style.setProperty(name, value);
    this.root.dataset.position = config.position === "left" ? "left" : "right";
    this.root.setAttribute("lang", config.locale);
    this.shadow.querySelector(".fl-title").textContent = config.title;
    this.subtitle.textContent = strings.subtitle;
    this.shadow.querySelector('[data-action="new"]').setAttribute("aria-label", strings.newConversation);
    this.shadow.querySelector('[data-action="new"]').title = strings.newConversation;
    this.shadow.querySelector('[data-action="close"]').setAttribute("aria-label", strings.close);
    this.shadow.querySelector('[data-action="close"]').title = strings.close;
    this.shadow.querySelector(".fl-send").setAttribute("aria-label", strings.send);
    this.shadow.querySelector('label[for="fl-input"]').textContent = strings.inputLabel;
    this.input.placeholder = strings.placeholder;
    this.log.setAttribute("aria-label", strings.logLabel);
    this.typing.querySelector(".fl-sr").textContent = strings.typing;
    this._updateLauncher();
  }

  // ---- conversation state -------------------------------------------------------------

  _restore() {
    this.records = this.store.history();
    if (!this.records.length && this.config.greeting) {
      this.records.push({ id: newId(), from: "bot", text: this.config.greeting, turn: 0, local: true });
    }
    // An outbox entry whose record scrolled out of the history still gets sent; show it again.
    const known = new Set(this.records.map((r) => r.id));
    for (const item of this.store.outbox()) {
      if (!known.has(item.id)) this.records.push({ id: item.id, from: "user", text: item.message, pending: true });
    }
    this.turn = this.records.reduce((max, r) => Math.max(max, r.turn || 0), 0);
    for (const record of this.records) this._append(record);
    this._updateHandoff();
    this._save();
  }

  _save() {
    this.store.saveHistory(this.records);
  }

  _append(record) {
    const item = renderRecord(record, this.strings, (r, button) => this._choose(r, button));
    this.items.set(record.id, item);
    this.list.append(item);
  }

  _rerender(record) {
    const old = this.items.get(record.id);
    if (!old) return;
    const item = renderRecord(record, this.strings, (r, button) => this._choose(r, button));
    old.replaceWith(item);
    this.items.set(record.id, item);
  }

  _add(record) {
    record.id = record.id || newId();
    record.turn = this.turn;
    this.records.push(record);
    // Keep the DOM as short as the stored history so long sessions stay light.
    while (this.records.length > this.config.historyLimit) {
      const dropped = this.records.shift();
      const item = this.items.get(dropped.id);
      if (item) item.remove();
      this.items.delete(dropped.id);
    }
    this._append(record);
    this._save();
    this._scrollToEnd();
  }

  /** Quick replies belong to the moment they were offered: any new user message retires them. */
  _retireButtons(chosenRecord, chosenPayload) {
    for (const record of this.records) {
      if (record.buttons && !record.buttonsDone) {
        record.buttonsDone = true;
        if (record === chosenRecord) record.chosen = chosenPayload;
        this._rerender(record);
      }
    }
  }

  _submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this._autosize();
    this._sendUser(text, text);
  }

  _choose(record, button) {
    this._retireButtons(record, button.payload);
    this._sendUser(button.title, button.payload);
    this.input.focus(); // the clicked button is now disabled; keep keyboard users in the chat
  }

  _sendUser(shown, message) {
    this._retireButtons(null, null);
    this.turn += 1;
    const record = { from: "user", text: shown, pending: !this.connection.online };
    this._add(record);
    this.connection.send(record.id, message);
  }

  _markSent(id) {
    const record = this.records.find((r) => r.id === id);
    if (record && record.pending) {
      record.pending = false;
      this._rerender(record);
      this._save();
    }
    // During a handoff a person answers, at a person's pace, and the bot stays quiet: no dots.
    if (!this.inHandoff) this._showTyping();
  }

  /** Render a server message (`bot_uttered` payload). Public: tests and demos inject messages. */
  receive(message) {
    const records = recordsFromServer(message);
    if (!records.length) return;
    this._hideTyping();
    for (const record of records) this._add(record);
    if (records.some((r) => r.handoff)) this._updateHandoff();
    if (!this.isOpen) {
      this.unread += records.length;
      this._updateLauncher();
    }
  }

  _updateHandoff() {
    const last = [...this.records].reverse().find((r) => r.handoff);
    this.inHandoff = Boolean(last && (last.handoff.state === "requested" || last.handoff.state === "joined"));
    const engineer = last && last.handoff.state === "joined" ? last.handoff.engineer : null;
    this.subtitle.textContent =
      engineer !== null && engineer !== undefined
        ? format(this.strings.subtitleEngineer, { name: engineer || this.strings.engineerAnonymous })
        : this.strings.subtitle;
    this.root.dataset.handoff = engineer !== null && engineer !== undefined ? "joined" : "none";
  }

  newConversation() {
    this.store.clear();
    this.records = [];
    this.items.clear();
    this.list.replaceChildren();
    this.turn = 0;
    this._hideTyping();
    this._restore();
    this.connection.restart();
    this.input.focus();
  }

  // ---- open / close, status, typing ---------------------------------------------------

  get isOpen() {
    return !this.panel.hidden;
  }

  open({ focus = true } = {}) {
    this.panel.hidden = false;
    this.root.dataset.open = "true";
    this.store.setOpen(true);
    this.unread = 0;
    this._updateLauncher();
    this._scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    const hadFocus = this.shadow.activeElement && this.panel.contains(this.shadow.activeElement);
    this.panel.hidden = true;
    this.root.dataset.open = "false";
    this.store.setOpen(false);
    this._updateLauncher();
    if (hadFocus) this.launcher.focus();
  }

  _updateLauncher() {
    const open = this.isOpen;
    this.launcher.setAttribute("aria-expanded", String(open));
    let label = open ? this.strings.launcherClose : this.strings.launcherOpen;
    if (this.unread && !open) label += ` (${format(this.strings.unread, { count: this.unread })})`;
    this.launcher.setAttribute("aria-label", label);
    this.badge.hidden = !this.unread || open;
    this.badge.textContent = String(this.unread);
  }

  _setStatus(status) {
    const previous = this.status;
    this.status = status;
    this.root.dataset.status = status;
    clearTimeout(this.statusTimer);
    if (status === "offline") {
      this._hideTyping();
      this._setStatusText(this.strings.offline, "offline");
    } else if (status === "online" && previous === "offline") {
      this._setStatusText(this.strings.reconnected, "online");
      this.statusTimer = setTimeout(() => this._setStatusText("", ""), RECONNECTED_NOTE_MS);
    } else if (status === "online") {
      this._setStatusText("", "");
    }
  }

  _setStatusText(text, kind) {
    this.statusLine.textContent = text;
    this.statusLine.dataset.kind = kind;
  }

  _showTyping() {
    this.typing.hidden = false;
    this._scrollToEnd();
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this._hideTyping(), TYPING_TIMEOUT_MS);
  }

  _hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  _scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  _autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  destroy() {
    this.connection.close();
    this.host.remove();
  }
}
