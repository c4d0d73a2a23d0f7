"""Authentication: SigV4 verification, credential resolution and sealed session tokens."""
