"""The registers' rules as pure functions (no Django, no clock): each cites its clause."""
