"""HTTP routes, one module per area; each route only parses, checks roles and calls crud."""
