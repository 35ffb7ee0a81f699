"""Per-API-key limits and budgets: the policy (`policy`) over shared counters (`counters`), kept in
this process's memory (`memory_counters`) or in Redis (`redis_counters`) so limits hold across nodes."""
