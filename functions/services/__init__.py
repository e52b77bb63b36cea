"""Application services: orchestrate domain rules, the registry and the Store for one use case."""
