"""Answering from a built index: the Searcher façade, ranking and fusion, explanations, spelling, evaluation."""
