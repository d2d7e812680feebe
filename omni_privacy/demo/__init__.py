"""Fictional demo data for `make run` and `omni-privacy demo` (never personal: example.com and
example.org addresses, 555-01XX telephone numbers). It writes through the registry's services,
like any other collection."""
