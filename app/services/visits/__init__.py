"""The on-site visit: when a technician of the field team may be booked at the customer's address."""
