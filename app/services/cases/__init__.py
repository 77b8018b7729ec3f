"""Cases of every kind (tickets): intake, tasks, timeline, attachments, messages, timers."""
