"""The agent's brain: what to say, and which tools to call, given the conversation so far."""
