"""nd.linalg: the linear-algebra ops (also nd.linalg_<name>)."""
