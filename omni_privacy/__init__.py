"""omni-privacy: makes every promise of privacy notice QAC-REC-004 true, automatic and provable."""

__version__ = "0.1.0"
