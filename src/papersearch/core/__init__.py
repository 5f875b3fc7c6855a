"""Shared foundations every stage uses: settings, the error tree, the corpus records and the typed output records."""
