"""The workspace's network in the product: cached analysis, the map, insights, exports."""
