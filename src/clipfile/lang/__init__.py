"""What differs by language, one package per language."""
