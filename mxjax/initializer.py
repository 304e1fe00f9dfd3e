"""mx.init / mx.initializer (being written for issue 3)."""
