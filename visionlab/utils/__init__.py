"""Small shared helpers: devices and precision, progress, atomic files, run folders."""
