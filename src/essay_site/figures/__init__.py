"""The ``figures`` MkDocs plugin: live Python figures placed in Markdown by name."""
