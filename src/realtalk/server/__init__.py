"""The HTTP/WebSocket server: app factory, routes, authentication and shared state."""
