"""Ontmoetingsplekken: meeting places with accessibility and safety attributes."""
