"""Recognising entities in text: a gazetteer of entity names and aliases."""
