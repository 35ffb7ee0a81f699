"""The Voice Task Manager: a task list with a REST API and voice tools over the same data."""
