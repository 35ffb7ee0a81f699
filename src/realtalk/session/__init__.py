"""The Realtime session: a sans-I/O state machine (`session.py`) and its async driver (`runtime.py`)."""
