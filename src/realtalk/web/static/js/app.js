// The RealTalk voice app: logs in, loads the server's config, and wires the call, the chat
// fallback and the UI together. Test hook: window.realtalk = {state, events, audioStats}.

import { ApiError, getConfig } from "./api.js";
import { VoiceCall } from "./call.js";
import { chat } from "./chat.js";
import { Conversation } from "./conversation.js";
import { imageMessage } from "./images.js";
import { audioContext, Meter, MicError, openMicrophone, Visualiser } from "./media.js";
import { defaultsFrom, loadSettings, sessionConfig } from "./settings.js";
import { Composer } from "./ui/composer.js";
import { askForToken, loginFromHash } from "./ui/login.js";
import { showAppPanel } from "./ui/panels.js";
import { SettingsDrawer } from "./ui/settings-drawer.js";
import { clearError, LatencyReadout, showError, showState } from "./ui/status.js";
import { ToolCards } from "./ui/tools.js";
import { Transcript } from "./ui/transcript.js";

const CONVERSATION_KEY = "realtalk.conversation";
const MAX_KEPT_EVENTS = 5000;
const SOUND_RMS = 0.01; // Above this a remote audio block counts as sound, not silence.

const realtalk = {
  state: "idle",
  events: [],
  audioStats: { remoteRms: 0, remoteFramesWithSound: 0, micRms: 0 },
  conversationId: null,
};
window.realtalk = realtalk;

let config = null;
let call = null;
let mic = null;
let micMeter = null;
let remoteMeter = null;
let wakeLock = null;
const remoteAudio = document.getElementById("remote-audio");
const talk = document.getElementById("talk");
const micViz = new Visualiser(document.getElementById("mic-viz"), "--viz-you");
const agentViz = new Visualiser(document.getElementById("agent-viz"), "--viz-agent");

const transcript = new Transcript(document.getElementById("captions"));
let door = null;
const tools = new ToolCards(document.getElementById("tool-cards"), (name, output) =>
  door?.toolResult(name, output),
);
const conversation = new Conversation({
  transcript,
  tools,
  latency: new LatencyReadout(),
  onError: (message, code) => showError(message, { code }),
  onConversationId: rememberConversation,
});

function receive(event) {
  realtalk.events.push(event);
  if (realtalk.events.length > MAX_KEPT_EVENTS) realtalk.events.shift();
  conversation.handle(event);
}

function rememberConversation(id) {
  realtalk.conversationId = id;
  sessionStorage.setItem(CONVERSATION_KEY, id);
}

function setState(state, retryIn = 0) {
  realtalk.state = state;
  showState(state, retryIn);
  document.body.dataset.call = state;
  const inCall = state === "connecting" || state === "live" || state === "reconnecting";
  talk.setAttribute("aria-pressed", String(inCall));
  talk.querySelector(".talk-label").textContent = inCall ? "Hang up" : "Start talking";
  talk.setAttribute("aria-label", inCall ? "Hang up" : "Start talking");
  document.getElementById("new-conversation").disabled = inCall;
}

// ---- The call --------------------------------------------------------------------------------

async function startCall() {
  clearError();
  setState("connecting");
  audioContext(); // Created inside the click, so audio may play.
  try {
    mic = await openMicrophone();
  } catch (error) {
    setState("idle");
    if (error instanceof MicError) {
      showError(error.message, { code: error.cause?.name || "mic_unavailable" });
      return;
    }
    throw error;
  }
  micMeter = new Meter(mic);
  micViz.setMeter(micMeter);

  const overrides = () => sessionConfig(loadSettings(), config.session);
  call = new VoiceCall(mic, overrides, sessionStorage.getItem(CONVERSATION_KEY));
  call.addEventListener("state", ({ detail }) => {
    if (detail.state !== "live") conversation.reset();
    setState(detail.state, detail.retryIn);
    if (detail.state === "live") keepAwake();
    if (detail.state === "ended") endCall();
  });
  call.addEventListener("server-event", ({ detail }) => receive(detail));
  call.addEventListener("remote-stream", ({ detail }) => playRemote(detail));
  call.addEventListener("conversation", ({ detail }) => rememberConversation(detail));
  call.addEventListener("failure", ({ detail }) => showCallFailure(detail));
  await call.start();
}

function hangUp() {
  call?.hangup();
}

/** Release everything the call held (after a hang-up or a failure). */
function endCall() {
  call?.dispose();
  call = null;
  for (const track of mic?.getTracks() || []) track.stop();
  mic = null;
  micMeter?.close();
  remoteMeter?.close();
  micMeter = remoteMeter = null;
  micViz.setMeter(null);
  agentViz.setMeter(null);
  remoteAudio.srcObject = null;
  wakeLock?.release().catch(() => {});
  wakeLock = null;
}

function playRemote(stream) {
  remoteAudio.srcObject = stream;
  remoteAudio.play().catch(() => {}); // Autoplay is allowed after the click; ignore a race.
  remoteMeter?.close();
  remoteMeter = new Meter(stream);
  agentViz.setMeter(remoteMeter);
}

function showCallFailure({ message, code, status, stage }) {
  const reconnect = { label: "Reconnect", run: startCall };
  if (stage === "session" && status === 401) {
    askForToken("Your login expired. Paste the access token again.").then(startCall);
  } else if (code === "expired_client_secret") {
    showError("Your session key expired — click to reconnect.", { code, action: reconnect });
  } else if (code === "invalid_api_key") {
    showError("The server did not accept the session key — click to reconnect.", { code, action: reconnect });
  } else {
    // realtalk.state is still the state the call failed in ("ended" follows this event).
    const what = realtalk.state === "connecting" ? "Could not start the call" : "The call dropped and did not come back";
    showError(`${what}: ${message.replace(/\.$/, "")}.`, { code, action: { label: "Try again", run: startCall } });
  }
}

// Sample the agent's audio level for tests and for the stats (works while the tab is hidden, too).
setInterval(() => {
  if (remoteMeter) {
    const rms = remoteMeter.rms();
    realtalk.audioStats.remoteRms = rms;
    if (rms > SOUND_RMS) realtalk.audioStats.remoteFramesWithSound += 1;
  }
  if (micMeter) realtalk.audioStats.micRms = micMeter.rms();
}, 100);

/** Keep the screen on during a call where the Screen Wake Lock API exists (it lapses when hidden). */
async function keepAwake() {
  if (!("wakeLock" in navigator) || wakeLock || document.visibilityState !== "visible") return;
  try {
    wakeLock = await navigator.wakeLock.request("screen");
    wakeLock.addEventListener("release", () => {
      wakeLock = null;
    });
  } catch {
    // Denied (battery saver, policy): the call goes on without it.
  }
}

// A hidden tab keeps the call (no hang-up on visibilitychange); only the wake lock is re-taken.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && realtalk.state === "live") keepAwake();
});

// ---- Typed turns and images ------------------------------------------------------------------

async function sendTurn({ text, imageUrl }) {
  clearError();
  if (call && realtalk.state !== "live") {
    showError("The call is reconnecting — send again once it is live.");
    return false;
  }
  if (call) {
    if (conversation.agentBusy) call.send({ type: "response.cancel" }); // Typing over the agent.
    transcript.addLocalUser(text, imageUrl);
    call.send(imageMessage(imageUrl, text));
    call.send({ type: "response.create" });
    return true;
  }
  const bubble = transcript.addLocalUser(text, imageUrl);
  const turn = {
    text,
    imageUrl,
    conversationId: sessionStorage.getItem(CONVERSATION_KEY),
    instructions: loadSettings().instructions,
  };
  chat(turn, receive)
    .catch((error) => {
      transcript.removeLocal(bubble);
      const input = document.getElementById("text-input");
      if (!input.value) input.value = text;
      if (error instanceof ApiError && error.status === 401) {
        askForToken("Please log in again, then resend your message.");
      } else {
        showError(`Your message was not sent: ${error.message}`);
      }
    })
    .finally(() => conversation.reset());
  return true;
}

// ---- Start-up --------------------------------------------------------------------------------

async function loadConfig() {
  for (;;) {
    try {
      return await getConfig();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      await askForToken();
    }
  }
}

async function boot() {
  setState("idle");
  conversation.reset();
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }
  try {
    await loginFromHash();
    config = await loadConfig();
  } catch (error) {
    showError(`RealTalk could not start: ${error.message}. Check that the server is running, then reload.`, {
      action: { label: "Reload", run: () => location.reload() },
    });
    return;
  }
  if (config.title) {
    document.title = config.title;
    document.getElementById("app-title").textContent = config.title;
  }
  const defaults = defaultsFrom(config.session);
  document.getElementById("voice-name").textContent = loadSettings().voice || defaults.voice || "default";
  door = showAppPanel(config.app);
  document.body.dataset.app = config.app || "";

  new SettingsDrawer(config.session, config.voices || [], (overrides) => {
    document.getElementById("voice-name").textContent = overrides.voice || defaults.voice || "default";
    // Live: send every value (defaults included) so a reset also takes effect in this call.
    const update = sessionConfig({ ...defaults, ...overrides }, config.session);
    if (call?.send({ type: "session.update", session: { type: "realtime", ...update } })) {
      document.getElementById("settings-applied").textContent = "Settings applied to this call.";
    } else {
      document.getElementById("settings-applied").textContent = "Settings saved for your next call.";
    }
  });
  new Composer(sendTurn, (message) => showError(message));

  talk.addEventListener("click", () => {
    if (call) hangUp();
    else startCall().catch((error) => showError(error.message));
  });
  document.getElementById("new-conversation").addEventListener("click", () => {
    sessionStorage.removeItem(CONVERSATION_KEY);
    realtalk.conversationId = null;
    transcript.clear();
    tools.clear();
    clearError();
  });
  talk.disabled = false;
  document.body.dataset.ready = "true";
}

boot();
