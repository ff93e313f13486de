"""The ``katex`` MkDocs plugin: TeX typeset at build time as MathML, in a font the site serves."""
