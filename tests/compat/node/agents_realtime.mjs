// @openai/agents-realtime's RealtimeSession over its OpenAIRealtimeWebSocket transport, against
// RealTalk: a text turn, then a tool call that the SDK runs and answers itself.
// Usage: node agents_realtime.mjs WS_URL API_KEY. Prints one JSON object on its last line.
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import { z } from 'zod';

const [url, apiKey] = process.argv.slice(2);
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
  result.history = session.history.map((item) => ({ type: item.type, role: item.role, status: item.status }));
} catch (error) {
  result.failed = String(error);
} finally {
  result.errors = errors;
  session.close();
}
console.log(JSON.stringify(result));
