"""Pure rules of transfers (notice §6) and mergers (notice §7): no Django, time as an argument."""
