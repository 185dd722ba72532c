"""Services: the only functions that change data. Each flushes (never commits) and writes the audit log;
the caller (a view, a CLI command) commits once or rolls back."""
