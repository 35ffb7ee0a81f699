// User settings (voice, turn detection, instructions): kept in localStorage as overrides of the
// server's defaults, sent with every new ephemeral key and live via `session.update`.

const STORAGE_KEY = "realtalk.settings.v1";

/** The user's overrides: any of {voice, threshold, silenceMs, instructions}. */
export function loadSettings() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}");
    return stored && typeof stored === "object" ? stored : {};
  } catch {
    return {};
  }
}

export function saveSettings(settings) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
}

export function clearSettings() {
  localStorage.removeItem(STORAGE_KEY);
}

/** The server's defaults in settings form, read from `GET /web/config`'s session object. */
export function defaultsFrom(session) {
  const detection = session?.audio?.input?.turn_detection || {};
  return {
    voice: session?.audio?.output?.voice || "",
    threshold: typeof detection.threshold === "number" ? detection.threshold : 0.5,
    silenceMs: typeof detection.silence_duration_ms === "number" ? detection.silence_duration_ms : 500,
    instructions: session?.instructions || "",
  };
}

/**
 * The partial GA session config for the overrides (for `POST /web/session` and `session.update`).
 * Turn detection keeps the server's other fields (prefix padding, create_response...).
 */
export function sessionConfig(settings, serverSession) {
  const config = {};
  if (settings.instructions) config.instructions = settings.instructions;
  if (settings.threshold !== undefined || settings.silenceMs !== undefined) {
    const base = serverSession?.audio?.input?.turn_detection || {};
    const detection = { ...(base.type === "server_vad" ? base : {}), type: "server_vad" };
    if (settings.threshold !== undefined) detection.threshold = settings.threshold;
    if (settings.silenceMs !== undefined) detection.silence_duration_ms = settings.silenceMs;
    config.audio = { input: { turn_detection: detection } };
  }
  if (settings.voice) {
    config.audio = { ...config.audio, output: { voice: settings.voice } };
  }
  return config;
}
