"""Training: configuration, run folders, checkpoints, the loops, and the classification driver."""
