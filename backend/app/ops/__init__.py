"""Running the service: the `todo-api` command, start-up and migrations, the embedded development PostgreSQL."""
