"""The `portal` command: the composition root wiring builder, search and functions together."""
