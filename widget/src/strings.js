// Every text the widget shows or announces. A host page overrides any of them through
// `FrontlineWidgetConfig.strings` (that is how the widget is translated); `{name}` is replaced.
export const DEFAULT_STRINGS = {
  launcherOpen: "Open IT support chat",
  launcherClose: "Close IT support chat",
  unread: "{count} new",
  close: "Close chat",
  newConversation: "Start a new conversation",
  newConversationConfirm: "Start a new conversation? The current one will be cleared from this browser.",
  subtitle: "Virtual assistant",
  subtitleEngineer: "Chatting with {name}",
  logLabel: "Conversation",
  inputLabel: "Message",
  placeholder: "Describe your problem…",
  send: "Send",
  you: "You",
  assistant: "Assistant",
  engineer: "{name} (IT engineer)",
  engineerAnonymous: "IT engineer",
  typing: "The assistant is typing…",
  repliesLabel: "Suggested replies",
  chosen: "(chosen)",
  imageAlt: "Image from the assistant",
  pending: "Not sent yet — it will be sent when the connection is back.",
  connecting: "Connecting…",
  offline: "Connection lost. Reconnecting… Messages you write now will be sent when we're back.",
  reconnected: "Reconnected.",
  handoffRequested: "I've asked an engineer to join. Please stay in this chat.",
  handoffJoined: "{name}, an IT engineer, has joined the chat.",
  handoffJoinedAnonymous: "An engineer has joined the chat.",
  handoffLeft: "{name} has left the chat.",
  handoffLeftAnonymous: "The engineer has left the chat.",
  handoffEnded: "The engineer has ended the chat. You're back with the assistant.",
  greeting:
    "Hi! I'm the IT support assistant. Tell me what's wrong — for example " +
    "*\"my VPN keeps dropping\"* or *\"Outlook says 0x800CCC0E\"*.",
};

/** Fill `{name}`-style placeholders; unknown ones become empty. */
export function format(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (_, key) => (values[key] ?? "").toString());
}
