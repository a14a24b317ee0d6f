"""Formats other tools speak (Moodle's GIFT, ...), read and written as plain functions over
the app's question types: no Flask, no database. A service turns what they read into
questions of a bank, and feeds them what it exports."""
