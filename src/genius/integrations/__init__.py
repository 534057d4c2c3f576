"""Clients for outside systems (ANAF, BNR, SMTP), each with its test double beside it."""
