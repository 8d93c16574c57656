"""Data access: keyword-only functions over a ``Session``; routes call these and nothing else."""
