"""`homefield transfer`: hand a service to another team as one reviewable change."""
