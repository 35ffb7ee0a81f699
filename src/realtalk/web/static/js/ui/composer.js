// The message composer: #text-input + #send, an image from #image-input or #screen-capture held in
// #attachment until sent. Enter sends, Shift+Enter adds a line.

import { captureScreen, fileToDataUrl, imageBudget } from "../images.js";

// Room kept for the text typed next to an image (the image gets the rest of the message limit).
const TEXT_ROOM = "x".repeat(4096);

export class Composer {
  /**
   * @param {(turn: {text: string, imageUrl: string|null}) => Promise<boolean>} onSend resolves true
   *   when the turn went out (the composer then clears)
   * @param {(message: string) => void} onError
   */
  constructor(onSend, onError) {
    this.onSend = onSend;
    this.onError = onError;
    this.form = document.getElementById("composer");
    this.input = document.getElementById("text-input");
    this.send = document.getElementById("send");
    this.fileInput = document.getElementById("image-input");
    this.attachment = document.getElementById("attachment");
    this.imageUrl = null;

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.autosize());
    this.fileInput.addEventListener("change", () => this.attachFile());
    document.getElementById("attach").addEventListener("click", () => this.fileInput.click());
    document.getElementById("screen-capture").addEventListener("click", () => this.attachScreen());
    document.getElementById("attachment-remove").addEventListener("click", () => this.setImage(null));
    this.form.addEventListener("dragover", (event) => event.preventDefault());
    this.form.addEventListener("drop", (event) => {
      const file = [...(event.dataTransfer?.files || [])].find((f) => f.type.startsWith("image/"));
      if (file) {
        event.preventDefault();
        this.attachFile(file);
      }
    });
    this.input.addEventListener("paste", (event) => {
      const file = [...(event.clipboardData?.files || [])].find((f) => f.type.startsWith("image/"));
      if (file) this.attachFile(file);
    });
  }

  async attachFile(file = this.fileInput.files?.[0]) {
    this.fileInput.value = ""; // Picking the same file again must fire "change" again.
    if (!file) return;
    try {
      this.setImage(await fileToDataUrl(file, imageBudget(TEXT_ROOM)));
    } catch (error) {
      this.onError(error.message);
    }
  }

  async attachScreen() {
    try {
      const url = await captureScreen(imageBudget(TEXT_ROOM));
      if (url) this.setImage(url);
    } catch (error) {
      this.onError(error.message);
    }
  }

  setImage(url) {
    this.imageUrl = url;
    this.attachment.hidden = !url;
    const img = this.attachment.querySelector("img");
    if (url) {
      img.src = url;
      this.input.focus();
    } else {
      img.removeAttribute("src");
    }
  }

  async submit() {
    const text = this.input.value.trim();
    if (!text && !this.imageUrl) return;
    if (this.imageUrl && new TextEncoder().encode(text).length > TEXT_ROOM.length) {
      this.onError("That message is too long to send with an image. Shorten it or send the image alone.");
      return;
    }
    this.send.disabled = true;
    try {
      if (await this.onSend({ text, imageUrl: this.imageUrl })) {
        this.input.value = "";
        this.setImage(null);
        this.autosize();
      }
    } finally {
      this.send.disabled = false;
    }
  }

  autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
  }
}
