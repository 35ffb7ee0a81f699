// The conversation as caption bubbles in #captions: `.bubble.user` (plain text, image thumbnails)
// and `.bubble.agent` (sanitized Markdown), keyed by Realtime item id (`data-item-id`).

import { renderMarkdown } from "../markdown.js";

export class Transcript {
  constructor(root) {
    this.root = root;
    this.bubbles = new Map(); // item id -> bubble element
    this.texts = new Map(); // agent item id -> full text so far
    this.pendingLocal = []; // user bubbles shown before the server gave them an item id
    this.renderQueued = new Set();
    this.pinned = true; // Follow new content while the reader is at the bottom.
    const follow = () => {
      const scroller = this.scroller();
      this.pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    };
    this.root.closest(".conversation-scroll")?.addEventListener("scroll", follow, { passive: true });
    window.addEventListener("scroll", follow, { passive: true });
    follow(); // On a phone the page starts at the top: captions must not yank it down.
  }

  /** Show a turn the user just typed or attached, until the server's item adopts it. */
  addLocalUser(text, imageUrl) {
    const bubble = this.create("user", null);
    if (imageUrl) bubble.querySelector(".body").before(thumbnail(imageUrl));
    bubble.querySelector(".body").textContent = text;
    bubble.dataset.pending = "true";
    this.pendingLocal.push(bubble);
    this.scroll(true);
    return bubble;
  }

  /** Drop a local bubble whose send failed. */
  removeLocal(bubble) {
    this.pendingLocal = this.pendingLocal.filter((b) => b !== bubble);
    bubble.remove();
  }

  /** A user message item from the server (typed, image, or restored history). */
  userMessage(item) {
    if (this.bubbles.has(item.id)) return;
    const content = item.content || [];
    const spoken = content.some((part) => part.type === "input_audio");
    if (!spoken && this.pendingLocal.length) {
      const bubble = this.pendingLocal.shift();
      delete bubble.dataset.pending;
      bubble.dataset.itemId = item.id;
      this.bubbles.set(item.id, bubble);
      return;
    }
    const bubble = this.userBubble(item.id);
    for (const part of content) {
      if (part.type === "input_image" && part.image_url) {
        bubble.querySelector(".body").before(thumbnail(part.image_url));
      }
    }
    const text = content
      .map((part) => (part.type === "input_text" ? part.text : part.transcript) || "")
      .filter(Boolean)
      .join("\n");
    if (text) this.setUserText(item.id, text, true);
  }

  /** The bubble for a spoken user turn (created at speech start, filled by transcription). */
  userBubble(itemId) {
    return this.bubbles.get(itemId) || this.create("user", itemId);
  }

  appendUser(itemId, delta) {
    const body = this.userBubble(itemId).querySelector(".body");
    body.textContent += delta;
    this.scroll();
  }

  setUserText(itemId, text, final) {
    const bubble = this.userBubble(itemId);
    bubble.querySelector(".body").textContent = text;
    if (final) bubble.classList.remove("listening");
    this.scroll();
  }

  /** A user turn that turned out to have no words (noise): remove its empty bubble. */
  dropEmptyUser(itemId) {
    const bubble = this.bubbles.get(itemId);
    if (bubble && !bubble.querySelector(".body").textContent.trim() && !bubble.querySelector("img")) {
      bubble.remove();
      this.bubbles.delete(itemId);
    }
  }

  agentBubble(itemId) {
    return this.bubbles.get(itemId) || this.create("agent", itemId);
  }

  appendAgent(itemId, delta) {
    this.agentBubble(itemId);
    this.texts.set(itemId, (this.texts.get(itemId) || "") + delta);
    this.queueRender(itemId);
  }

  setAgentText(itemId, text) {
    if (!text && this.texts.get(itemId)) return; // Keep what streamed if the final event is empty.
    this.agentBubble(itemId);
    this.texts.set(itemId, text);
    this.queueRender(itemId);
  }

  /** The agent was cut off (barge-in): say so on its bubble. */
  markInterrupted(itemId) {
    const bubble = this.bubbles.get(itemId);
    if (!bubble || bubble.classList.contains("interrupted") || !bubble.classList.contains("agent")) return;
    bubble.classList.add("interrupted");
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = "interrupted";
    bubble.querySelector(".who").append(badge);
  }

  /** Markdown is re-rendered at most once a frame while deltas stream in. */
  queueRender(itemId) {
    if (this.renderQueued.has(itemId)) return;
    this.renderQueued.add(itemId);
    requestAnimationFrame(() => {
      this.renderQueued.delete(itemId);
      renderMarkdown(this.bubbles.get(itemId).querySelector(".body"), this.texts.get(itemId) || "");
      this.scroll();
    });
  }

  create(role, itemId) {
    const bubble = document.createElement("article");
    bubble.className = `bubble ${role}`;
    if (role === "user" && itemId) bubble.classList.add("listening");
    if (itemId) {
      bubble.dataset.itemId = itemId;
      this.bubbles.set(itemId, bubble);
    }
    const who = document.createElement("div");
    who.className = "who";
    who.textContent = role === "user" ? "You" : "Agent";
    const body = document.createElement("div");
    body.className = role === "agent" ? "body md" : "body";
    bubble.append(who, body);
    this.root.append(bubble);
    this.root.closest("[data-empty]")?.removeAttribute("data-empty");
    this.scroll();
    return bubble;
  }

  /** Wide screens scroll the conversation card; phones scroll the whole page. */
  scroller() {
    const box = this.root.closest(".conversation-scroll");
    return box && getComputedStyle(box).overflowY === "auto" ? box : document.scrollingElement;
  }

  /** Follow new content unless the user scrolled up to read (`force`: they just sent something). */
  scroll(force = false) {
    if (!force && !this.pinned) return;
    const scroller = this.scroller();
    scroller.scrollTop = scroller.scrollHeight;
    this.pinned = true;
  }

  clear() {
    this.root.replaceChildren();
    this.bubbles.clear();
    this.texts.clear();
    this.pendingLocal = [];
    this.root.closest(".conversation")?.setAttribute("data-empty", "");
  }
}

function thumbnail(url) {
  const img = document.createElement("img");
  img.className = "thumb";
  img.src = url;
  img.alt = "Image you shared";
  img.decoding = "async";
  return img;
}
