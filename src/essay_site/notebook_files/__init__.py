"""The ``notebook_files`` MkDocs plugin: a notebook page's pictures as files."""
