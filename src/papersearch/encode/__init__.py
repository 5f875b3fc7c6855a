"""Texts to vectors: the model and its fingerprint, sentence-transformers at build time, ONNX at query time."""
