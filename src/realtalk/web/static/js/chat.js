// Text chat without a call: `POST /v1/realtalk/chat` streams Realtime server events as SSE.
// EventSource cannot POST, so the stream is read with fetch + ReadableStream and parsed here.

import { postChat } from "./api.js";

/**
 * Yield the `data` payload of every SSE message in a byte stream (WHATWG rules: messages end at a
 * blank line, `data:` lines join with "\n", comments and other fields are ignored).
 */
export async function* sseMessages(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop(); // The last piece may be an unfinished line.
      for (const line of lines) {
        if (line === "") {
          if (data.length) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
      }
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(buffer.startsWith("data: ") ? 6 : 5));
    if (data.length) yield data.join("\n");
  } finally {
    reader.releaseLock();
  }
}

/**
 * Send one user turn (text and/or an image data URL) and hand every server event to `onEvent`.
 * Resolves when the server ends the stream (the agent finished, tool round trips included).
 */
export async function chat({ text, imageUrl, conversationId, instructions }, onEvent, signal) {
  const body = { text: text || "" };
  if (conversationId) body.conversation_id = conversationId;
  if (imageUrl) body.image_url = imageUrl;
  if (instructions) body.instructions = instructions;
  const response = await postChat(body, signal);
  for await (const message of sseMessages(response.body)) {
    let event;
    try {
      event = JSON.parse(message);
    } catch {
      continue; // Keep-alives or anything not JSON is not an event.
    }
    onEvent(event);
  }
}
