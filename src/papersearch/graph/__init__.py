"""The cross-reference graph: citations and named concepts found in summaries, and each paper's neighbourhood."""
