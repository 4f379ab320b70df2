"""The web app: blueprints (registered by ``bot.web.blueprints``) and what they share (``bot.web.request``)."""
