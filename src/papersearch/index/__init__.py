"""The index on disk: its format, passages, vectors (FAISS), BM25, versions and atomic publishing, and the build."""
