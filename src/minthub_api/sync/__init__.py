"""Store data snapshots, incremental syncs and the PostgreSQL job queue that runs them."""
