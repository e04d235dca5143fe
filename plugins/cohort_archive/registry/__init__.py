"""The question registry: template versions, their questions and checklists, and template detection."""

from cohort_archive.registry.detect import detect_template
from cohort_archive.registry.load import Registry, default_registry_dir, load_registry

__all__ = ["Registry", "default_registry_dir", "detect_template", "load_registry"]
