"""More tensor ops (MXNet's src/operator/tensor: indexing, init, matrix and misc ops)."""
