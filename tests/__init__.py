"""The test suite; subfolders mirror the package (tests/figures, tests/handouts, ...)."""
