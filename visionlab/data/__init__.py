"""Datasets: image loading, folder layouts, splits, transforms and the synthetic game world."""
