"""Speech engines (VAD, STT, TTS) behind small protocols; one module per implementation."""
