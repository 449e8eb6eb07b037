// DOM for one conversation record. Text from the server goes through renderMarkdown (sanitised);
// text the user typed is set with textContent and never parsed as HTML.
import { renderMarkdown } from "./markdown.js";
import { format } from "./strings.js";

function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function srOnly(text) {
  const span = el("span", "fl-sr");
  span.textContent = text;
  return span;
}

function handoffText(handoff, strings) {
  const named = Boolean(handoff.engineer);
  const values = { name: handoff.engineer };
  switch (handoff.state) {
    case "requested":
      return strings.handoffRequested;
    case "joined":
      return format(named ? strings.handoffJoined : strings.handoffJoinedAnonymous, values);
    case "left":
      return format(named ? strings.handoffLeft : strings.handoffLeftAnonymous, values);
    default:
      return strings.handoffEnded;
  }
}

/**
 * Build the list item of a record.
 * @param {object} record see messages.js
 * @param {object} strings
 * @param {(record: object, button: object) => void} onChoose a quick reply was clicked
 */
export function renderRecord(record, strings, onChoose) {
  const item = el("li", `fl-msg fl-from-${record.from}`, {
    "data-from": record.from,
    "data-turn": String(record.turn ?? 0),
    "data-id": record.id,
  });

  if (record.from === "event") {
    item.classList.add("fl-event");
    item.textContent = handoffText(record.handoff, strings);
    return item;
  }

  // Who speaks, for screen readers on every message and visibly for engineers.
  const who =
    record.from === "user"
      ? strings.you
      : record.from === "engineer"
      ? record.engineer
        ? format(strings.engineer, { name: record.engineer })
        : strings.engineerAnonymous
      : strings.assistant;
  if (record.from === "engineer") {
    const label = el("span", "fl-author");
    label.textContent = who;
    item.append(label);
  } else {
    item.append(srOnly(`${who}: `));
  }

  const bubble = el("div", "fl-bubble");
  if (record.image) {
    const img = el("img", "fl-image", { src: record.image, alt: strings.imageAlt, loading: "lazy" });
    bubble.append(img);
  } else if (record.from === "user") {
    bubble.textContent = record.text;
  } else {
    bubble.append(renderMarkdown(record.text));
  }
  item.append(bubble);

  if (record.pending) {
    const note = el("span", "fl-pending");
    note.textContent = strings.pending;
    item.append(note);
  }

  if (record.buttons && record.buttons.length) item.append(renderButtons(record, strings, onChoose));
  return item;
}

function renderButtons(record, strings, onChoose) {
  const group = el("div", "fl-replies", { role: "group", "aria-label": strings.repliesLabel });
  for (const button of record.buttons) {
    const node = el("button", "fl-reply", { type: "button" });
    node.textContent = button.title;
    if (record.buttonsDone) {
      node.disabled = true;
      if (record.chosen === button.payload) {
        node.classList.add("fl-chosen");
        node.append(srOnly(` ${strings.chosen}`));
      }
    } else {
      node.addEventListener("click", () => onChoose(record, button));
    }
    group.append(node);
  }
  return group;
}
