"""Rosters: the provinces' participant lists (annex 3), who may evaluate."""
