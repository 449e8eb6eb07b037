"""Reading flow files: YAML with lines, the generated JSON Schema, the loader and the hot-reloading repository."""
