// The npm `openai` SDK's OpenAIRealtimeWS against RealTalk: a text turn, then a function-tool round
// trip. It always dials wss:// (it rewrites the base URL's scheme), so RealTalk must serve TLS.
// Usage: node realtime_turn.mjs <https base URL ending in /v1> <api key>; trust the test CA with
// NODE_EXTRA_CA_CERTS. Prints one JSON line: {"text": "...", "tool_call": {...}, "after_tool": "..."}.
import OpenAI from "openai";
import { OpenAIRealtimeWS } from "openai/realtime/ws";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey });
const rt = new OpenAIRealtimeWS({ model: "realtalk" }, client);
setTimeout(() => fail("timed out"), 60_000).unref();

function fail(message) {
  console.error(message);
  process.exit(1);
}

/** The next event of `type`, rejecting on an `error` event. */
function next(type) {
  return new Promise((resolve, reject) => {
    rt.once(type, resolve);
    rt.once("error", (error) => reject(new Error(JSON.stringify(error.error ?? error.message))));
  });
}

/** Send a user message, ask for a response, and collect its text and function calls. */
async function turn(items) {
  for (const item of items) rt.send({ type: "conversation.item.create", item });
  rt.send({ type: "response.create" });
  const done = await next("response.done");
  const output = done.response.output;
  const text = output
    .filter((item) => item.type === "message")
    .flatMap((item) => item.content.map((part) => part.text ?? ""))
    .join("");
  return { text, calls: output.filter((item) => item.type === "function_call") };
}

const userText = (text) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

try {
  await next("session.created");
  rt.send({
    type: "session.update",
    session: {
      type: "realtime",
      output_modalities: ["text"],
      instructions: "You are Ada, the concierge of the Grand Hotel.",
      tools: [
        {
          type: "function",
          name: "get_weather",
          description: "Get the current weather for a city.",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ],
    },
  });
  await next("session.updated");
  const hello = await turn([userText("hello")]);
  const weather = await turn([userText("what's the weather like in Paris today")]);
  const call = weather.calls[0];
  if (!call) fail(`no function call: ${JSON.stringify(weather)}`);
  const output = JSON.stringify({ city: "Paris", temperature: 21, unit: "C", conditions: "sunny" });
  const after = await turn([{ type: "function_call_output", call_id: call.call_id, output }]);
  console.log(JSON.stringify({ text: hello.text, tool_call: call, after_tool: after.text }));
  rt.close();
} catch (error) {
  fail(error.message);
}
