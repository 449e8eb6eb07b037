// Bot text is markdown written by content designers, and engineers' replies are typed by people:
// render it, then sanitise the HTML with DOMPurify, so that a `<script>`, an `onerror=` or a
// `javascript:` link in any message can never run in the host page.
import { Marked } from "marked";
import createDOMPurify from "dompurify";

// A newline is a line break, as in Slack (the other channel): knowledge-base answers put one
// article per line, and content should look the same in both places.
const marked = new Marked({ gfm: true, breaks: true, async: false });

// A private DOMPurify instance: its hooks must not touch a copy the host page may use.
const purify = createDOMPurify(window);

const ALLOWED_TAGS = [
  "a", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
  "i", "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
];
const ALLOWED_ATTR = ["href", "title", "alt", "src"];
const SAFE_URL = /^(?:https?:|mailto:|tel:)/i;

purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    const href = node.getAttribute("href") || "";
    if (!SAFE_URL.test(href)) {
      node.removeAttribute("href"); // relative or odd schemes: show the text, drop the link
      return;
    }
    // Links open beside the chat, and the opened page cannot reach back into the host page.
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
  if (node.tagName === "IMG") {
    if (!/^https?:/i.test(node.getAttribute("src") || "")) node.remove();
    else node.setAttribute("loading", "lazy");
  }
});

/**
 * Markdown → sanitised DOM nodes.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderMarkdown(text) {
  const html = marked.parse(String(text ?? ""));
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    RETURN_DOM_FRAGMENT: true,
  });
}
