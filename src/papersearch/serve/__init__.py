"""The HTTP service: the FastAPI app, its routes, error bodies, request guards and the live index."""
