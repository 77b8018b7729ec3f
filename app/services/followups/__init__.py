"""Follow-ups (insistencia, seed 003): subjects and lines of business as data, the analysis of an earlier
ticket, the decision table's result with the words for the customer, and the actions it leads to."""
