// Turns what the server emits as `bot_uttered` into the records the widget renders and stores.
// The shapes are documented in docs/widget.md ("Messages the widget understands"); anything else
// is ignored rather than shown half-rendered.
//
// A record: { id, from: "user"|"bot"|"engineer"|"event", text?, buttons?, buttonsDone?, chosen?,
//             image?, engineer?, handoff?, pending?, turn }

const HANDOFF_STATES = ["requested", "joined", "left", "ended"];

function engineerName(message) {
  const meta = message.metadata && typeof message.metadata === "object" ? message.metadata : {};
  const name = meta.engineer ?? message.engineer;
  if (name === undefined || name === null || name === false) return null;
  return typeof name === "string" ? name : ""; // `engineer: true` = an engineer without a name
}

function buttonsOf(message) {
  const raw = message.quick_replies || message.buttons || [];
  return raw
    .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
    .map((b) => ({ title: b.title, payload: b.payload }));
}

/**
 * @param {object} message a `bot_uttered` payload
 * @returns {object[]} zero or more records (without id/turn; the widget adds them)
 */
export function recordsFromServer(message) {
  const records = [];
  const custom = message.custom && typeof message.custom === "object" ? message.custom : null;

  if (custom && custom.handoff && HANDOFF_STATES.includes(custom.handoff.state)) {
    records.push({
      from: "event",
      handoff: { state: custom.handoff.state, engineer: custom.handoff.engineer || "" },
    });
  }
  if (custom && typeof custom.text === "string") {
    // `{"custom": {"text": "...", "engineer": "Dana"}}`: a message typed by an engineer
    const name = engineerName(custom);
    records.push({ from: name === null ? "bot" : "engineer", engineer: name || "", text: custom.text });
  }

  if (typeof message.text === "string" && message.text.trim()) {
    const name = engineerName(message);
    const record = { from: name === null ? "bot" : "engineer", text: message.text };
    if (name !== null) record.engineer = name;
    const buttons = buttonsOf(message);
    if (buttons.length) record.buttons = buttons;
    records.push(record);
  }

  const attachment = message.attachment;
  const src = attachment && attachment.type === "image" && attachment.payload && attachment.payload.src;
  const image = typeof src === "string" ? src : typeof message.image === "string" ? message.image : null;
  if (image && /^https?:\/\//i.test(image)) records.push({ from: "bot", image });

  return records;
}
