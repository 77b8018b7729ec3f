"""Submissions: every state-changing request (staff form, portal form, API POST) is done at most once."""
