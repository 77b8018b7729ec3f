"""Staff and customer accounts, sign-in sessions and the permission rules."""
