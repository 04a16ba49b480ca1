"""Backup and restore of the whole portal: database, uploaded files and beat's state."""
