"""Claims (reclamaciones): documents through the billing port, claims and their lines, line approval."""
