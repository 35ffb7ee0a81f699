// Small status displays: the connection pill (#status), the turn indicator (#turn-indicator),
// the latency readout (#latency) and the error banner (#error).

const STATE_TEXT = {
  idle: "Ready",
  connecting: "Connecting…",
  live: "Live",
  ended: "Call ended",
};

/** #status[data-state=idle|connecting|live|reconnecting|ended]. */
export function showState(state, retryIn) {
  const el = document.getElementById("status");
  el.dataset.state = state;
  let text = STATE_TEXT[state] || state;
  if (state === "reconnecting") text = retryIn > 0 ? `Reconnecting in ${retryIn}s` : "Reconnecting…";
  el.querySelector(".status-text").textContent = text;
}

const TURN_TEXT = { you: "You're speaking", agent: "Agent speaking", thinking: "Agent thinking", idle: "Idle" };

/** #turn-indicator[data-turn=you|agent|idle]; `speaking` tells a speaking agent from a thinking one. */
export function showTurn(turn, speaking = true) {
  const el = document.getElementById("turn-indicator");
  el.dataset.turn = turn;
  el.querySelector(".turn-text").textContent = TURN_TEXT[turn === "agent" && !speaking ? "thinking" : turn];
}

/** #latency[data-ms]: the latest turn's speech-end-to-first-audio time, and the session median. */
export class LatencyReadout {
  constructor() {
    this.el = document.getElementById("latency");
    this.values = [];
  }

  add(ms) {
    const rounded = Math.round(ms);
    this.values.push(rounded);
    const sorted = [...this.values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    this.el.dataset.ms = String(rounded);
    this.el.querySelector(".latency-value").textContent = `${rounded} ms`;
    const turns = `${this.values.length} turn${this.values.length === 1 ? "" : "s"}`;
    this.el.querySelector(".latency-detail").textContent = `median ${median} ms · ${turns}`;
  }
}

/**
 * Show an error in #error (role=alert, data-code). `action` = {label, run} adds a button,
 * e.g. "Reconnect" for an expired session key.
 */
export function showError(message, { code = null, action = null } = {}) {
  const el = document.getElementById("error");
  el.querySelector(".error-text").textContent = message;
  el.dataset.code = code || "";
  const button = el.querySelector(".error-action");
  button.hidden = !action;
  button.onclick = action
    ? () => {
        clearError();
        action.run();
      }
    : null;
  if (action) button.textContent = action.label;
  el.hidden = false;
}

document.querySelector("#error .error-dismiss").addEventListener("click", clearError);

export function clearError() {
  const el = document.getElementById("error");
  el.hidden = true;
  el.dataset.code = "";
  el.querySelector(".error-text").textContent = "";
}
