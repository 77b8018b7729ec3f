"""Deployed processes and their task forms."""
