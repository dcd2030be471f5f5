"""adapters/fhir."""
