"""The e-mail channel and the outbox that delivers every notice after commit."""
