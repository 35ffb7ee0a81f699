// The settings drawer (<dialog id="settings">): voice, VAD threshold, silence window, instructions.

import { clearSettings, defaultsFrom, loadSettings, saveSettings } from "../settings.js";

export class SettingsDrawer {
  /**
   * @param {object} serverSession the session defaults from `GET /web/config`
   * @param {string[]} voices the voices the server offers
   * @param {(overrides: object) => void} onSave called after the overrides are stored
   */
  constructor(serverSession, voices, onSave) {
    this.dialog = document.getElementById("settings");
    this.form = document.getElementById("settings-form");
    this.defaults = defaultsFrom(serverSession);
    this.onSave = onSave;
    this.voice = document.getElementById("voice");
    this.threshold = document.getElementById("vad-threshold");
    this.silence = document.getElementById("silence-ms");
    this.instructions = document.getElementById("instructions");

    const voiceList = [...new Set([this.defaults.voice, ...voices].filter(Boolean))];
    this.voice.replaceChildren(
      ...voiceList.map((voice) => {
        const option = document.createElement("option");
        option.value = voice;
        option.textContent = voice === this.defaults.voice ? `${capitalise(voice)} (default)` : capitalise(voice);
        return option;
      }),
    );
    this.instructions.placeholder = this.defaults.instructions || "The server's default instructions";

    for (const input of [this.threshold, this.silence]) input.addEventListener("input", () => this.showValues());
    document.getElementById("settings-open").addEventListener("click", () => this.open());
    document.getElementById("settings-close").addEventListener("click", () => this.dialog.close());
    document.getElementById("settings-reset").addEventListener("click", () => {
      clearSettings();
      this.fill({});
      this.onSave({});
    });
    // Clicks on the backdrop (outside the drawer's box) close it, like Escape does.
    this.dialog.addEventListener("click", (event) => {
      if (event.target === this.dialog) this.dialog.close();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const overrides = this.read();
      saveSettings(overrides);
      this.onSave(overrides);
      this.dialog.close();
    });
  }

  open() {
    this.fill(loadSettings());
    this.dialog.showModal();
  }

  fill(overrides) {
    const values = { ...this.defaults, ...overrides };
    this.voice.value = values.voice;
    this.threshold.value = String(values.threshold);
    this.silence.value = String(values.silenceMs);
    this.instructions.value = overrides.instructions || "";
    this.showValues();
  }

  showValues() {
    document.getElementById("vad-threshold-value").textContent = Number(this.threshold.value).toFixed(2);
    document.getElementById("silence-ms-value").textContent = `${this.silence.value} ms`;
  }

  /** Only what differs from the server's defaults is stored, so new server defaults still apply. */
  read() {
    const overrides = {};
    if (this.voice.value && this.voice.value !== this.defaults.voice) overrides.voice = this.voice.value;
    const threshold = Number(this.threshold.value);
    if (threshold !== this.defaults.threshold) overrides.threshold = threshold;
    const silenceMs = Number(this.silence.value);
    if (silenceMs !== this.defaults.silenceMs) overrides.silenceMs = silenceMs;
    const instructions = this.instructions.value.trim();
    if (instructions && instructions !== this.defaults.instructions) overrides.instructions = instructions;
    return overrides;
  }
}

function capitalise(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
