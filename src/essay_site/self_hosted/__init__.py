"""The ``self_hosted`` MkDocs plugin: no page may ask another host for anything."""
