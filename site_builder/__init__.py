"""Content models, loader/validator and generated pages for the portal's static site."""
