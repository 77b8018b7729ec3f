"""The only package that imports SpiffWorkflow: deploy, engine, sandbox, runtime, task index."""
