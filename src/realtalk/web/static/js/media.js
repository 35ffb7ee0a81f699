// Microphone access, audio level meters and the canvas visualisers.

/** A user-facing reason why the microphone could not be opened. */
export class MicError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = "MicError";
    this.cause = cause;
  }
}

const MIC_MESSAGES = {
  NotAllowedError:
    "Microphone access was blocked. Allow the microphone for this site (the icon in the address bar), then click Start again.",
  SecurityError:
    "The browser blocks the microphone on this page. Open RealTalk over https:// or from localhost.",
  NotFoundError: "No microphone was found. Plug one in (or enable it in your system settings) and try again.",
  NotReadableError:
    "The microphone is busy or failed to start. Close other apps that use it and try again.",
  OverconstrainedError: "Your microphone does not support the requested settings.",
  AbortError: "Opening the microphone was interrupted. Please try again.",
};

/** Ask for the microphone with echo cancellation; throws a MicError with a clear message. */
export async function openMicrophone() {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicError(
      "This browser cannot use a microphone here. Use a current browser over https:// or localhost.",
    );
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    throw new MicError(MIC_MESSAGES[error.name] || `The microphone could not be opened (${error.name}).`, error);
  }
}

let sharedContext = null;

/** One AudioContext for the page, created (or resumed) inside a user gesture. */
export function audioContext() {
  if (!sharedContext) sharedContext = new AudioContext();
  if (sharedContext.state === "suspended") sharedContext.resume();
  return sharedContext;
}

/** An AnalyserNode on a media stream, with the latest RMS level (0..1). */
export class Meter {
  constructor(stream) {
    const context = audioContext();
    this.source = context.createMediaStreamSource(stream);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 1024;
    this.analyser.smoothingTimeConstant = 0.75;
    // Analysed only: playback goes through the <audio> element (or nowhere, for the mic).
    this.source.connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
    this.bins = new Uint8Array(this.analyser.frequencyBinCount);
  }

  /** Root-mean-square level of the latest block of samples. */
  rms() {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const s of this.samples) sum += s * s;
    return Math.sqrt(sum / this.samples.length);
  }

  /** Frequency magnitudes (0..255) of the latest block. */
  spectrum() {
    this.analyser.getByteFrequencyData(this.bins);
    return this.bins;
  }

  close() {
    this.source.disconnect();
  }
}

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

/**
 * Draws a meter on a canvas as rounded frequency bars (or, with reduced motion, one calm level bar).
 * `setMeter(null)` shows a flat idle line.
 */
export class Visualiser {
  constructor(canvas, colorVar) {
    this.canvas = canvas;
    this.colorVar = colorVar;
    this.meter = null;
    this.level = 0;
    this.frame = null;
    this.draw = this.draw.bind(this);
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  setMeter(meter) {
    this.meter = meter;
    if (!this.frame) this.frame = requestAnimationFrame(this.draw);
  }

  resize() {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = this.canvas.getBoundingClientRect();
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    if (!this.frame) this.frame = requestAnimationFrame(this.draw);
  }

  draw() {
    this.frame = null;
    const ctx = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(this.canvas);
    const color = style.getPropertyValue(this.colorVar).trim() || "#888";
    const idle = style.getPropertyValue("--viz-idle").trim() || "#8884";
    ctx.fillStyle = this.meter ? color : idle;
    const bars = 28;
    const gap = width / bars;
    const barWidth = Math.max(2, gap * 0.55);
    if (!this.meter) {
      for (let i = 0; i < bars; i++) pill(ctx, i * gap + (gap - barWidth) / 2, height / 2, barWidth, 2);
      return;
    }
    const rms = this.meter.rms();
    this.level = this.level * 0.7 + Math.min(1, rms * 4) * 0.3;
    if (reducedMotion.matches) {
      ctx.fillStyle = idle;
      pill(ctx, 0, height / 2, width, height * 0.18);
      ctx.fillStyle = color;
      pill(ctx, 0, height / 2, Math.max(height * 0.18, width * this.level), height * 0.18);
    } else {
      const spectrum = this.meter.spectrum();
      // Speech lives in the lower part of the spectrum; spread those bins across the bars.
      const usable = Math.floor(spectrum.length * 0.45);
      for (let i = 0; i < bars; i++) {
        const mirrored = Math.abs(i - (bars - 1) / 2) / (bars / 2); // Centre bars hold the low bins.
        const bin = Math.floor(mirrored * usable);
        const magnitude = spectrum[bin] / 255;
        const h = Math.max(2, magnitude * height * 0.9 * (0.35 + this.level * 1.6));
        pill(ctx, i * gap + (gap - barWidth) / 2, height / 2, barWidth, Math.min(height * 0.95, h));
      }
    }
    this.frame = requestAnimationFrame(this.draw);
  }
}

/** A vertical pill centred on `cy`. */
function pill(ctx, x, cy, w, h) {
  const r = Math.min(w, h) / 2;
  ctx.beginPath();
  ctx.roundRect(x, cy - h / 2, w, h, r);
  ctx.fill();
}
