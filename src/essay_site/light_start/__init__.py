"""The ``light_start`` MkDocs plugin: Material's start-up without its whole-page restyles."""
