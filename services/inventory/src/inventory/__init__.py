"""The catalogue and its stock; reserves and releases stock for orders."""
