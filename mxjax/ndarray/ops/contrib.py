"""Ops MXNet registers under _contrib_* (exposed as nd.contrib.<name>)."""
