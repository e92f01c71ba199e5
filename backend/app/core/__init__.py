"""What everything else stands on: settings, errors, the database and token verification. Imports nothing above it."""
