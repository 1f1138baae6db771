"""Tests of bpcore.stepper: the steps as data, the drawing, the widget (no browser)."""
