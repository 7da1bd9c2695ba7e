"""Model registries, weights entries and the transfer-learning classifier wrapper."""

# Importing the zoo registers the built-in classifiers.
from visionlab.models import zoo as _zoo  # noqa: E402,F401
from visionlab.models.classifier import Classifier
from visionlab.models.registry import get_classifier, get_weights, list_classifiers, register_classifier

__all__ = ["Classifier", "get_classifier", "get_weights", "list_classifiers", "register_classifier"]
