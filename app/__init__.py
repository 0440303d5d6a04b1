"""Peer Rounds application package."""
