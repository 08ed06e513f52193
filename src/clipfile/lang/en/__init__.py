"""English analysis on spaCy."""
