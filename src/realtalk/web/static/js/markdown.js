// Agent replies as Markdown (GFM tables, code), always passed through DOMPurify before the DOM.

import { Marked } from "../vendor/marked.esm.js";
import DOMPurify from "../vendor/purify.es.js";

const markdown = new Marked({ gfm: true, breaks: true });

// Replies are text: no forms, media, frames or styles, even if a model writes them as HTML.
const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "img", "video", "audio", "iframe"],
  FORBID_ATTR: ["style"],
};

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** Render `text` as sanitized Markdown into `element` (replacing its content). */
export function renderMarkdown(element, text) {
  const html = DOMPurify.sanitize(markdown.parse(text), PURIFY);
  element.innerHTML = html;
  for (const table of element.querySelectorAll("table")) {
    // Wide tables scroll inside the bubble instead of stretching it.
    if (!table.parentElement.classList.contains("table-scroll")) {
      const wrap = document.createElement("div");
      wrap.className = "table-scroll";
      wrap.tabIndex = 0;
      table.replaceWith(wrap);
      wrap.append(table);
    }
  }
}
