"""A test-only app whose job counts slowly, so that a test can kill its worker in the middle."""
