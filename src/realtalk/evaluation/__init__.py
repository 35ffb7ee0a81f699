"""`realtalk eval`: turn-taking and latency scenarios run against any Realtime-API server."""
