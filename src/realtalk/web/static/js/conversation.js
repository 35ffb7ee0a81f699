// Turns Realtime server events (from the call's data channel or the SSE chat stream) into what the
// page shows: caption bubbles, tool cards, app panels, whose turn it is, and per-turn latency.

import { showTurn } from "./ui/status.js";

export class Conversation {
  /**
   * @param {{transcript, tools, latency, onError: (message, code) => void,
   *          onConversationId: (id) => void}} parts
   */
  constructor({ transcript, tools, latency, onError, onConversationId }) {
    this.transcript = transcript;
    this.tools = tools;
    this.latency = latency;
    this.onError = onError;
    this.onConversationId = onConversationId;
    this.responseItems = new Map(); // response id -> assistant message item ids
    this.reset();
  }

  /** Forget live turn state (a call ended or reconnected); the transcript stays. */
  reset() {
    this.userSpeaking = false;
    this.agentAudio = false;
    this.activeResponses = new Set();
    this.speechStoppedAt = null;
    this.updateTurn();
  }

  /** True while the agent is generating or speaking (a new response would collide). */
  get agentBusy() {
    return this.activeResponses.size > 0 || this.agentAudio;
  }

  handle(event) {
    switch (event.type) {
      case "input_audio_buffer.speech_started":
        this.userSpeaking = true;
        this.speechStoppedAt = null;
        if (event.item_id) this.transcript.userBubble(event.item_id);
        break;
      case "input_audio_buffer.speech_stopped":
        this.userSpeaking = false;
        this.speechStoppedAt = performance.now();
        break;
      case "conversation.item.input_audio_transcription.delta":
        this.transcript.appendUser(event.item_id, event.delta || "");
        break;
      case "conversation.item.input_audio_transcription.completed":
        if (event.transcript?.trim()) this.transcript.setUserText(event.item_id, event.transcript, true);
        else this.transcript.dropEmptyUser(event.item_id);
        break;
      case "conversation.item.input_audio_transcription.failed":
        this.transcript.setUserText(event.item_id, "(not understood)", true);
        break;
      case "conversation.item.added":
      case "response.output_item.added":
        this.item(event.item, false, event.response_id);
        break;
      case "conversation.item.done":
      case "response.output_item.done":
        this.item(event.item, true, event.response_id);
        break;
      case "response.created":
        this.activeResponses.add(event.response?.id);
        break;
      case "response.output_audio_transcript.delta":
      case "response.output_text.delta":
        this.track(event.response_id, event.item_id);
        this.transcript.appendAgent(event.item_id, event.delta || "");
        break;
      case "response.output_audio_transcript.done":
        this.transcript.setAgentText(event.item_id, event.transcript || "");
        break;
      case "response.output_text.done":
        this.transcript.setAgentText(event.item_id, event.text || "");
        break;
      case "response.function_call_arguments.delta":
        this.tools.argumentsDelta(event.item_id, event.call_id, event.delta || "");
        break;
      case "output_audio_buffer.started":
        this.agentAudio = true;
        if (this.speechStoppedAt !== null) {
          this.latency.add(performance.now() - this.speechStoppedAt);
          this.speechStoppedAt = null; // One reading per turn.
        }
        break;
      case "output_audio_buffer.stopped":
        this.agentAudio = false;
        break;
      case "output_audio_buffer.cleared":
        this.agentAudio = false;
        this.interrupt(event.response_id);
        break;
      case "conversation.item.truncated":
        this.transcript.markInterrupted(event.item_id);
        break;
      case "response.done": {
        const response = event.response || {};
        this.activeResponses.delete(response.id);
        if (response.status === "cancelled") {
          for (const item of response.output || []) this.transcript.markInterrupted(item.id);
          this.interrupt(response.id);
        }
        break;
      }
      case "realtalk.chat.started":
        if (event.conversation_id) this.onConversationId(event.conversation_id);
        break;
      case "error":
        this.onError(event.error?.message || "The server reported an error.", event.error?.code || null);
        break;
      default:
        return;
    }
    this.updateTurn();
  }

  item(item, done, responseId) {
    if (!item) return;
    if (item.type === "message" && item.role === "user") {
      this.transcript.userMessage(item);
    } else if (item.type === "message" && item.role === "assistant") {
      this.track(responseId, item.id);
      this.transcript.agentBubble(item.id);
      const text = (item.content || []).map((part) => part.transcript || part.text || "").join("");
      if (text) this.transcript.setAgentText(item.id, text);
    } else if (item.type === "function_call") {
      this.tools.call(item, done);
    } else if (item.type === "function_call_output") {
      this.tools.output(item);
    }
  }

  track(responseId, itemId) {
    if (!responseId || !itemId) return;
    const items = this.responseItems.get(responseId) || new Set();
    items.add(itemId);
    this.responseItems.set(responseId, items);
  }

  interrupt(responseId) {
    for (const itemId of this.responseItems.get(responseId) || []) this.transcript.markInterrupted(itemId);
  }

  updateTurn() {
    if (this.userSpeaking) showTurn("you");
    else if (this.agentBusy) showTurn("agent", this.agentAudio);
    else showTurn("idle");
  }
}
