// Same-origin HTTP calls to the RealTalk server. The HttpOnly `realtalk_ui` cookie authenticates
// them; the master API key never reaches the browser.

/** An HTTP error with the server's reason (`{"error": {"message", "code"}}`) when it gave one. */
export class ApiError extends Error {
  constructor(status, message, code = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** Turn a non-2xx response into an ApiError carrying the server's message and code. */
export async function errorFrom(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  let code = null;
  try {
    const body = await response.json();
    if (body && body.error) {
      message = body.error.message || message;
      code = body.error.code || null;
    }
  } catch {
    // Not JSON: the status line is the best reason we have.
  }
  return new ApiError(response.status, message, code);
}

async function request(path, { method = "GET", json, headers = {}, body, signal } = {}) {
  const init = { method, credentials: "same-origin", headers: { ...headers }, signal };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    // Browsers word network failures differently ("Failed to fetch", "NetworkError ..."): say it once.
    throw new ApiError(0, "the RealTalk server could not be reached", "network_error");
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** Exchange the printed UI token for the session cookie. */
export async function login(token) {
  await request("/web/login", { method: "POST", json: { token } });
}

/** `{app, title, session, voices}` for this server. */
export async function getConfig() {
  return (await request("/web/config")).json();
}

/** Mint an ephemeral key for one (re)connection; `session` is the partial GA session config. */
export async function mintKey(session) {
  return (await request("/web/session", { method: "POST", json: session })).json();
}

/**
 * Post the SDP offer; resolves to `{answer, callUrl, conversationId}`.
 * Errors carry the server's code (`expired_client_secret`, `invalid_api_key`, ...).
 */
export async function postOffer(sdp, key, conversationId) {
  const query = conversationId ? `?conversation_id=${encodeURIComponent(conversationId)}` : "";
  const response = await request(`/v1/realtime/calls${query}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/sdp" },
    body: sdp,
  });
  return {
    answer: await response.text(),
    callUrl: response.headers.get("Location"),
    conversationId: response.headers.get("X-RealTalk-Conversation-Id"),
  };
}

/** Ask the server to end the call; best effort (the peer connection closes either way).
 * Signed in by the page's cookie: a client secret may only open sessions, not end them. */
export async function hangupCall(callUrl) {
  try {
    await request(`${callUrl}/hangup`, { method: "POST" });
  } catch {
    // The call may already be gone on the server; nothing to tell the user.
  }
}

/** POST to the SSE chat endpoint and return the streaming response. */
export async function postChat(body, signal) {
  return request("/v1/realtalk/chat", {
    method: "POST",
    json: body,
    headers: { Accept: "text/event-stream" },
    signal,
  });
}
