// @openai/agents-realtime's RealtimeSession over its OpenAIRealtimeWebSocket transport, against
// RealTalk: a text turn, a tool call that the SDK runs and answers itself, and a spoken turn.
// Usage: node agents_realtime.mjs WS_URL API_KEY SPEECH_PCM24K_FILE. Prints one JSON object.
import { readFile } from 'node:fs/promises';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import { z } from 'zod';

const [url, apiKey, speechPath] = process.argv.slice(2);
const TURN_TIMEOUT_MS = 60_000;

const calls = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'Get the current weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    calls.push({ city });
    return { city, temperature: 21, unit: 'C', conditions: 'sunny' };
  },
});
const agent = new RealtimeAgent({
  name: 'Ada',
  instructions: 'You are Ada, the concierge of the Grand Hotel.',
  tools: [getWeather],
});
const session = new RealtimeSession(agent, {
  transport: new OpenAIRealtimeWebSocket({ url }),
  model: 'realtalk',
});
const errors = [];
session.on('error', (error) => errors.push(String(error.error?.message ?? error.error ?? error)));
const audio = { bytes: 0 };
session.on('audio', (event) => { audio.bytes += event.data.byteLength; });
const transcripts = [];
session.on('transport_event', (event) => {
  if (event.type === 'conversation.item.input_audio_transcription.completed') transcripts.push(event.transcript);
});

/** The text of the next finished agent turn (its audio transcript). */
function agentTurn() {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no agent_end')), TURN_TIMEOUT_MS);
    session.once('agent_end', (_context, _agent, output) => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

const result = {};
try {
  await session.connect({ apiKey, url });
  let reply = agentTurn();
  session.sendMessage('Hello, who are you?');
  result.text_turn = { text: await reply, audio_bytes: audio.bytes };

  const toolEnd = new Promise((resolve) => session.once('agent_tool_end', (_c, _a, t, output) => resolve({ name: t.name, output })));
  reply = agentTurn();
  session.sendMessage("What's the weather like in Paris today?");
  const first = await reply; // the turn that called the tool
  const toolResult = await toolEnd;
  const answer = await agentTurn(); // the SDK asks for the response to the result itself
  result.tool_turn = { calls, tool_result: toolResult, first, reply: answer };

  // 20 ms chunks of 24 kHz PCM16, as a microphone delivers them; server VAD ends the turn.
  const speech = await readFile(speechPath);
  reply = agentTurn();
  for (let start = 0; start < speech.length; start += 960) {
    const chunk = speech.subarray(start, start + 960);
    session.sendAudio(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
  }
  result.spoken_turn = { reply: await reply, transcripts };
  result.history = session.history.map((item) => ({ type: item.type, role: item.role, status: item.status }));
} catch (error) {
  result.failed = String(error);
} finally {
  result.errors = errors;
  session.close();
}
console.log(JSON.stringify(result));
