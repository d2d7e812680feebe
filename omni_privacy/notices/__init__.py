"""Versioned FR/EN privacy notices (notice §11): import, publication, history."""
