"""The accounting domain (pure): accounts, entries and their rules, periods, VAT treatments, postings."""
