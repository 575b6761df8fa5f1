"""overopt: make reward over-optimization visible, measurable and stoppable."""

__version__ = "0.1.0"
