// Entry point of frontline-widget.js. Embedding is one tag:
//   <script src="https://<frontline server>/widget/frontline-widget.js" defer></script>
// optionally preceded by `<script>window.FrontlineWidgetConfig = {title: "…"}</script>`.
// `window.FrontlineWidget` offers open(), close(), newConversation(), receive(message) and
// init(config) (for pages that set `FrontlineWidgetConfig = {autoStart: false}`).
import { resolveConfig } from "./config.js";
import { Widget } from "./widget.js";

// Only readable while this script runs for the first time, so capture it now.
const script = document.currentScript;

function start(overrides) {
  if (window.FrontlineWidget && window.FrontlineWidget.instance) return window.FrontlineWidget.instance;
  const widget = new Widget(resolveConfig(script, overrides || window.FrontlineWidgetConfig || {}));
  api.instance = widget;
  widget.mount();
  return widget;
}

const call = (method) => (...args) => api.instance && api.instance[method](...args);

const api = {
  version: __FRONTLINE_WIDGET_VERSION__,
  instance: null,
  init: start,
  open: call("open"),
  close: call("close"),
  newConversation: call("newConversation"),
  receive: call("receive"),
  destroy() {
    if (api.instance) api.instance.destroy();
    api.instance = null;
  },
};

// A page that includes the tag twice gets one widget.
if (!window.FrontlineWidget) {
  window.FrontlineWidget = api;
  const config = window.FrontlineWidgetConfig || {};
  if (config.autoStart !== false) {
    if (document.body) start();
    else document.addEventListener("DOMContentLoaded", () => start(), { once: true });
  }
}
