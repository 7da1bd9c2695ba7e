"""Evaluation: metrics, plots and the evaluation report of a run."""
