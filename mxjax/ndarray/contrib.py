"""nd.contrib: control flow (foreach, while_loop, cond) and the _contrib_* ops."""
