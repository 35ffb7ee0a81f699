// A voice call over WebRTC, exactly OpenAI's browser flow: mic track + "oai-events" data channel,
// SDP offer to /v1/realtime/calls with an ephemeral key. Reconnects with exponential backoff and
// restores the conversation with ?conversation_id=.
//
// Events (CustomEvent.detail):
//   "state"         {state: "connecting"|"live"|"reconnecting"|"ended", retryIn?: seconds}
//   "server-event"  a parsed Realtime server event from the data channel
//   "remote-stream" the agent's MediaStream (again after every reconnection)
//   "conversation"  the conversation id the server reported
//   "failure"       {message, code, status, stage: "session"|"call"} when the call cannot go on
//                   (state is then "ended"; "session" means minting the ephemeral key failed)

import { ApiError, hangupCall, mintKey, postOffer } from "./api.js";

const DISCONNECTED_GRACE_MS = 3000; // "disconnected" often heals by itself within a second or two.
const CONNECT_TIMEOUT_MS = 15000;
const ICE_GATHERING_TIMEOUT_MS = 2500;
const MAX_RETRY_DELAY_S = 30;
const MAX_ATTEMPTS = 8;

export class VoiceCall extends EventTarget {
  /**
   * @param {MediaStream} mic the microphone stream (kept across reconnections)
   * @param {() => object} sessionConfig the partial session config for each new ephemeral key
   * @param {string|null} conversationId a conversation to continue, if any
   */
  constructor(mic, sessionConfig, conversationId) {
    super();
    this.mic = mic;
    this.sessionConfig = sessionConfig;
    this.conversationId = conversationId;
    this.state = "connecting";
    this.pc = null;
    this.dc = null;
    this.callUrl = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.disconnectTimer = null;
    this.onOnline = () => this.retryNow();
    window.addEventListener("online", this.onOnline);
  }

  /** Connect for the first time; a failure ends the call (and is reported as "failure"). */
  async start() {
    this.setState("connecting");
    try {
      await this.connect();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Send a client event over the data channel; false when the channel is not open. */
  send(event) {
    if (this.dc?.readyState !== "open") return false;
    this.dc.send(JSON.stringify(event));
    return true;
  }

  /** End the call on purpose: tell the server, close everything, do not reconnect. */
  hangup() {
    if (this.state === "ended") return;
    const { callUrl } = this;
    this.teardown();
    if (callUrl) hangupCall(callUrl);
    this.setState("ended");
  }

  setState(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, ...extra } }));
  }

  fail(error) {
    this.teardown();
    const detail =
      error instanceof ApiError
        ? { message: error.message, code: error.code, status: error.status, stage: error.stage || "call" }
        : { message: error.message || String(error), code: null, status: null, stage: "call" };
    this.dispatchEvent(new CustomEvent("failure", { detail }));
    this.setState("ended");
  }

  async connect() {
    let key;
    try {
      ({ value: key } = await mintKey(this.sessionConfig()));
    } catch (error) {
      error.stage = "session"; // A 401 here means the page's login, not the call, needs renewing.
      throw error;
    }
    if (this.state === "ended") return;
    const pc = new RTCPeerConnection();
    this.pc = pc;
    for (const track of this.mic.getAudioTracks()) pc.addTrack(track, this.mic);
    pc.addEventListener("track", (event) => {
      const stream = event.streams[0] || new MediaStream([event.track]);
      this.dispatchEvent(new CustomEvent("remote-stream", { detail: stream }));
    });
    const dc = pc.createDataChannel("oai-events");
    this.dc = dc;
    dc.addEventListener("message", (message) => this.receive(message.data));
    const opened = new Promise((resolve, reject) => {
      dc.addEventListener("open", resolve, { once: true });
      dc.addEventListener("close", () => reject(new Error("The data channel closed while connecting.")), {
        once: true,
      });
      setTimeout(() => reject(new Error("Timed out connecting to the server.")), CONNECT_TIMEOUT_MS);
    });
    opened.catch(() => {}); // Observed below; avoid an unhandled rejection if we bail out early.

    await pc.setLocalDescription(await pc.createOffer());
    await iceGatheringDone(pc); // The offer carries its candidates: no trickle ICE.
    let reply;
    try {
      reply = await postOffer(pc.localDescription.sdp, key, this.conversationId);
    } catch (error) {
      if (this.conversationId && error instanceof ApiError && error.status === 404) {
        // The server no longer knows this conversation: start a fresh one instead of failing.
        this.conversationId = null;
        reply = await postOffer(pc.localDescription.sdp, key, null);
      } else {
        throw error;
      }
    }
    if (this.pc !== pc) return; // Hung up meanwhile.
    this.callUrl = reply.callUrl;
    if (reply.conversationId) {
      this.conversationId = reply.conversationId;
      this.dispatchEvent(new CustomEvent("conversation", { detail: reply.conversationId }));
    }
    await pc.setRemoteDescription({ type: "answer", sdp: reply.answer });
    await opened;
    if (this.pc !== pc) return;

    this.attempt = 0;
    pc.addEventListener("connectionstatechange", () => this.watch(pc));
    dc.addEventListener("close", () => {
      if (this.pc === pc) this.lost();
    });
    this.setState("live");
  }

  receive(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    this.dispatchEvent(new CustomEvent("server-event", { detail: event }));
  }

  watch(pc) {
    if (this.pc !== pc) return;
    const state = pc.connectionState;
    if (state === "connected") {
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = null;
    } else if (state === "failed" || state === "closed") {
      this.lost();
    } else if (state === "disconnected" && !this.disconnectTimer) {
      this.disconnectTimer = setTimeout(() => {
        this.disconnectTimer = null;
        if (this.pc === pc && pc.connectionState !== "connected") this.lost();
      }, DISCONNECTED_GRACE_MS);
    }
  }

  /** The connection dropped: drop this peer connection and try again after a backoff. */
  lost() {
    if (this.state === "ended" || this.state === "reconnecting") return;
    const { callUrl } = this;
    this.teardown();
    if (callUrl) hangupCall(callUrl); // Free the old call on the server if it is still there.
    this.scheduleRetry();
  }

  scheduleRetry() {
    this.attempt += 1;
    if (this.attempt > MAX_ATTEMPTS) {
      this.fail(new Error("Lost the connection to the RealTalk server and could not get it back."));
      return;
    }
    let remaining = Math.min(MAX_RETRY_DELAY_S, 2 ** (this.attempt - 1));
    this.setState("reconnecting", { retryIn: remaining });
    const tick = () => {
      remaining -= 1;
      if (remaining > 0) {
        this.setState("reconnecting", { retryIn: remaining });
        this.retryTimer = setTimeout(tick, 1000);
      } else {
        this.retryNow();
      }
    };
    this.retryTimer = setTimeout(tick, 1000);
  }

  /** Skip the rest of the backoff (the network came back, or the user asked). */
  async retryNow() {
    if (this.state !== "reconnecting" || this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setState("reconnecting", { retryIn: 0 });
    try {
      await this.connect();
    } catch (error) {
      if (this.state === "ended") return;
      const fatal = error instanceof ApiError && (error.status === 401 || error.status === 403);
      if (fatal) {
        this.fail(error);
      } else {
        this.teardown();
        this.scheduleRetry();
      }
    }
  }

  teardown() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.disconnectTimer);
    this.retryTimer = null;
    this.disconnectTimer = null;
    const { pc, dc } = this;
    this.pc = null;
    this.dc = null;
    this.callUrl = null;
    dc?.close();
    pc?.close();
  }

  /** Forget the page-level listeners once the call is over. */
  dispose() {
    window.removeEventListener("online", this.onOnline);
  }
}

function iceGatheringDone(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pc.iceGatheringState === "complete") {
        pc.removeEventListener("icegatheringstatechange", check);
        resolve();
      }
    };
    pc.addEventListener("icegatheringstatechange", check);
    setTimeout(resolve, ICE_GATHERING_TIMEOUT_MS);
  });
}
