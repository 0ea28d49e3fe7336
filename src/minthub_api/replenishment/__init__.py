"""Replenishment planning: settings, suggestions, the decision journal."""
