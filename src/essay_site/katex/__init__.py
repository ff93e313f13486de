"""The ``katex`` MkDocs plugin: typeset math with KaTeX served from the site itself."""
