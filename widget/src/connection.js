// The link to Rasa's socket.io channel (credentials.yml: session_persistence: true).
//
// Protocol: after every (re)connect the client emits `session_request {session_id}`; the server
// puts the socket in that session's room and answers `session_confirm`. User messages are
// `user_uttered {message, session_id}`, bot messages arrive as `bot_uttered`.
//
// Messages are never handed to socket.io while the session is not confirmed: they wait in an
// outbox (kept in localStorage) and are sent, in order, right after `session_confirm`. Relying on
// socket.io's own buffer would send them before `session_request` after a reconnect, and the
// replies would go to a room this socket has not joined yet.
import { io } from "socket.io-client";

export class Connection {
  /**
   * @param {object} options
   * @param {string} options.serverUrl
   * @param {string} options.socketPath
   * @param {import("./store.js").Store} options.store
   * @param {(status: "connecting"|"online"|"offline") => void} options.onStatus
   * @param {(message: object) => void} options.onMessage a `bot_uttered` payload
   * @param {(id: string) => void} options.onSent a queued message left the outbox
   * @param {{user_id: string, user_hash: string}|null} [options.identity] the host site's signed
   *   identity of a logged-in visitor (docs/security.md); sent with every session request
   */
  constructor({ serverUrl, socketPath, store, onStatus, onMessage, onSent, identity = null }) {
    this.store = store;
    this.identity =
      identity && typeof identity.user_id === "string" && typeof identity.user_hash === "string"
        ? { user_id: identity.user_id, user_hash: identity.user_hash }
        : {};
    this.onStatus = onStatus;
    this.onMessage = onMessage;
    this.onSent = onSent;
    this.confirmed = false;
    this.socket = io(serverUrl, {
      path: socketPath,
      autoConnect: false,
      // Keep trying for as long as the page is open; a restarted server is found within ~5 s.
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket.on("connect", () => {
      this.confirmed = false;
      this.socket.emit("session_request", { session_id: this.store.sessionId(), ...this.identity });
    });
    this.socket.on("session_confirm", (sessionId) => {
      // The server may replace an id it does not accept; from then on that is the conversation.
      if (typeof sessionId === "string" && sessionId && sessionId !== this.store.sessionId()) {
        this.store.setSessionId(sessionId);
      }
      this.confirmed = true;
      this.onStatus("online");
      this.flush();
    });
    this.socket.on("bot_uttered", (message) => {
      if (message && typeof message === "object") this.onMessage(message);
    });
    this.socket.on("disconnect", (reason) => {
      this.confirmed = false;
      if (reason === "io client disconnect") return; // our own restart()/close(), not a lost line
      this.onStatus("offline");
      // socket.io reconnects by itself except after a server-side disconnect; do it anyway.
      if (reason === "io server disconnect") this.socket.connect();
    });
    this.socket.on("connect_error", (error) => {
      this.confirmed = false;
      this.onStatus("offline");
      // Refused by the server (e.g. this site is not in FRONTLINE_CORS_ORIGINS): socket.io gives
      // up, so say why in the console for whoever embeds the widget.
      if (!this.socket.active) console.warn("Frontline widget: the server refused the connection:", error.message);
    });
  }

  start() {
    this.onStatus("connecting");
    this.socket.connect();
  }

  /** Queue a user message (text or a button payload) and send it if the session is live. */
  send(id, message) {
    this.store.saveOutbox([...this.store.outbox(), { id, message }]);
    this.flush();
  }

  get online() {
    return this.confirmed && this.socket.connected;
  }

  flush() {
    if (!this.online) return;
    const session_id = this.store.sessionId();
    for (const item of this.store.outbox()) {
      if (!this.online) return; // lost the connection mid-way: the rest waits for the next confirm
      this.socket.emit("user_uttered", { message: item.message, session_id });
      this.store.saveOutbox(this.store.outbox().filter((queued) => queued.id !== item.id));
      this.onSent(item.id);
    }
  }

  /** Start a new conversation: a new session id and a fresh socket room. */
  restart() {
    this.confirmed = false;
    this.socket.disconnect();
    this.start();
  }

  close() {
    this.socket.disconnect();
  }
}
