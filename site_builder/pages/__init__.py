"""Pages the builder writes from the validated content (plain Python, no MkDocs imports)."""
