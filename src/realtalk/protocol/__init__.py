"""The OpenAI Realtime wire protocol: client event parsing, error events, ids, the beta dialect."""
