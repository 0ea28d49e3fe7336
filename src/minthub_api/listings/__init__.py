"""Listings that need attention: restock (inventory cover) and listing health (snapshots)."""
