"""Marshmallow schemas of the JSON API: what a request may carry and what a response shows.

The OpenAPI document (``app/api/openapi.py``) is generated from these same classes.
"""
