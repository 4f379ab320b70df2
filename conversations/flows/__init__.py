"""One module per dialog flow; ``conversations.registry.default_flows`` lists them."""
