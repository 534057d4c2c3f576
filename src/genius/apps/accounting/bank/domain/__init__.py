"""The bank part's pure rules: reading invoice numbers and names in payment details, and matching."""
