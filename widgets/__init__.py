"""The essay's figures: one module per figure, placed in Markdown by name."""
