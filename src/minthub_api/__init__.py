"""Mint Hub Operations API."""
