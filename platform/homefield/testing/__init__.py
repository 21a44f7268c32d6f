"""pytest plugins for the shop's tests (see :mod:`homefield.testing.kafka`)."""
