"""Pure rules for notices: no Django (the rendering, the diff, the checks on a new version)."""
