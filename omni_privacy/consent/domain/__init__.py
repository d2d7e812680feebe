"""Pure rules of the consent ledger and the suppression list (no Django)."""
