"""Running flows turn by turn: the engine, the per-turn runner, checks and the ports it needs."""
