"""Build tooling for the Generative Models essay: MkDocs plugins and offline assets."""
