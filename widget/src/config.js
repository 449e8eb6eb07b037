// Options of the widget. Everything has a default, so the one `<script>` tag is enough; a page
// may set `window.FrontlineWidgetConfig = {...}` before that tag to override any of them.
import { DEFAULT_STRINGS } from "./strings.js";

export const DEFAULT_COLORS = {
  primary: "#1d4ed8", // launcher, header, user bubbles; white text on it has a 6.7:1 contrast
  onPrimary: "#ffffff",
  background: "#ffffff",
  text: "#1f2937",
  botBubble: "#eef1f6",
  engineerBubble: "#fff4d6",
  focus: "#f59e0b",
};

const DEFAULTS = {
  serverUrl: "", // default: the origin the script was loaded from
  socketPath: "/socket.io",
  title: "IT Support",
  greeting: null, // null: strings.greeting; "" disables the greeting
  locale: "en",
  position: "right", // or "left"
  historyLimit: 60, // messages kept in this browser for a returning user
  open: false, // open the panel on first visit
  storageKey: "frontline",
  zIndex: 2147483000,
  identity: null, // {user_id, user_hash}: a logged-in visitor, signed by the host site's server
};

/**
 * Merge defaults, the page's config object and the script's origin into one options object.
 * @param {HTMLScriptElement|null} script the widget's own <script> element (for its origin)
 * @param {object} [overrides] window.FrontlineWidgetConfig or the argument of init()
 */
export function resolveConfig(script, overrides = {}) {
  const config = { ...DEFAULTS, ...overrides };
  config.colors = { ...DEFAULT_COLORS, ...(overrides.colors || {}) };
  config.strings = { ...DEFAULT_STRINGS, ...(overrides.strings || {}) };
  if (config.greeting === null || config.greeting === undefined) config.greeting = config.strings.greeting;
  if (!config.serverUrl) config.serverUrl = scriptOrigin(script);
  config.serverUrl = String(config.serverUrl).replace(/\/+$/, "");
  config.historyLimit = Math.max(1, Number(config.historyLimit) || DEFAULTS.historyLimit);
  return config;
}

function scriptOrigin(script) {
  // The widget talks to the server that served it, so embedding needs no URL twice.
  try {
    if (script && script.src) return new URL(script.src, document.baseURI).origin;
  } catch (_) {
    /* fall through */
  }
  return window.location.origin;
}
