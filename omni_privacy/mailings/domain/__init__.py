"""Pure rules of mailings: campaign kinds, the audience and its refusal (no Django)."""
