"""The Markdown corpus: read, validate and render paper files and eras; import the reading list's page."""
