"""Inbound e-mail: parsing real-world mail (``parse``) and the transports that bring it in."""
