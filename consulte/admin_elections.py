"""Admin of elections, candidates, the electoral roll and voting codes (imported by admin.py)."""
