"""Panels of the explorer window; each is a plain QWidget the window docks."""
