"""The knowledge base: articles, ingestion, hybrid search, answers and their feedback."""
