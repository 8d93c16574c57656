"""Text understanding: segmentation, entities, urgency and categories."""

from classify.types import Alternative, Entities, Prediction

__all__ = ["Alternative", "Entities", "Prediction"]
