"""The engine smoke tests' page side (scenarios.js) and drivers."""
