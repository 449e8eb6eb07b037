"""Flow diagrams: Mermaid text and a standalone SVG (`frontline flows graph`)."""
