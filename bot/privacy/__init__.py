"""Personal data: erasure on request, retention, masking."""
