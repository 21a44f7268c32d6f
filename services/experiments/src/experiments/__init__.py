"""WebLab. Assigns variants, records exposures and outcomes, reports results."""
