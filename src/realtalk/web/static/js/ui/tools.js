// Tool calls as cards in #tool-cards: `.tool-card[data-name][data-call-id][data-status]` with the
// arguments, the result and the time between the call being complete and its output arriving.

export class ToolCards {
  constructor(root, onResult) {
    this.root = root;
    this.onResult = onResult; // (name, parsedOutput) for app panels
    this.cards = new Map(); // call id -> {card, name, doneAt}
    this.callByItem = new Map(); // function_call item id -> call id
    this.argText = new Map(); // call id -> streamed arguments
  }

  /** A function_call item was added (`done` false) or completed (`done` true). */
  call(item, done) {
    const callId = item.call_id || item.id;
    this.callByItem.set(item.id, callId);
    let entry = this.cards.get(callId);
    if (!entry) entry = this.create(callId, item.name || "tool");
    if (item.arguments) this.showArguments(entry, item.arguments);
    if (done && entry.doneAt === null && entry.card.dataset.status === "pending") {
      entry.doneAt = performance.now();
      entry.card.dataset.status = "running";
      entry.status.textContent = "running…";
    }
  }

  /** `response.function_call_arguments.delta`: arguments stream in as JSON text. */
  argumentsDelta(itemId, callId, delta) {
    const id = callId || this.callByItem.get(itemId);
    const entry = id && this.cards.get(id);
    if (!entry) return;
    const text = (this.argText.get(id) || "") + delta;
    this.argText.set(id, text);
    entry.args.textContent = text;
  }

  /** A function_call_output item: show the result and how long the tool took. */
  output(item) {
    const entry = this.cards.get(item.call_id);
    if (!entry || entry.card.dataset.status === "done") return;
    let parsed = item.output;
    try {
      parsed = JSON.parse(item.output);
    } catch {
      // Plain text output: shown as is.
    }
    entry.result.textContent = typeof parsed === "string" ? parsed : JSON.stringify(parsed, null, 2);
    entry.resultBlock.hidden = false;
    entry.card.dataset.status = "done";
    if (entry.doneAt !== null) {
      const ms = Math.round(performance.now() - entry.doneAt);
      entry.card.dataset.ms = String(ms);
      entry.status.textContent = ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
    } else {
      entry.status.textContent = "done"; // Restored history: no timing to show.
    }
    this.onResult(entry.name, parsed);
  }

  showArguments(entry, json) {
    let pretty = json;
    try {
      pretty = JSON.stringify(JSON.parse(json), null, 2);
    } catch {
      // Not complete JSON yet: show the raw text.
    }
    entry.args.textContent = pretty;
  }

  create(callId, name) {
    const card = document.createElement("li");
    card.className = "tool-card";
    card.dataset.name = name;
    card.dataset.callId = callId;
    card.dataset.status = "pending";
    card.innerHTML = `
      <div class="tool-head">
        <span class="tool-icon" aria-hidden="true"></span>
        <code class="tool-name"></code>
        <span class="tool-status">calling…</span>
      </div>
      <div class="tool-block"><span class="tool-label">Arguments</span><pre class="tool-args"></pre></div>
      <div class="tool-block" hidden><span class="tool-label">Result</span><pre class="tool-result"></pre></div>`;
    card.querySelector(".tool-name").textContent = name;
    const entry = {
      card,
      name,
      doneAt: null,
      args: card.querySelector(".tool-args"),
      result: card.querySelector(".tool-result"),
      resultBlock: card.querySelector(".tool-result").parentElement,
      status: card.querySelector(".tool-status"),
    };
    this.cards.set(callId, entry);
    this.root.prepend(card); // Newest first.
    this.root.closest("[data-empty]")?.removeAttribute("data-empty");
    return entry;
  }

  clear() {
    this.root.replaceChildren();
    this.cards.clear();
    this.callByItem.clear();
    this.argText.clear();
  }
}
