"""PainPath: physical therapy for chronic pain, from evaluation to honest progress tracking."""

__version__ = "0.1.0"
__all__ = ["__version__"]
