"""Domain services: effect handlers and the queries behind the dashboard, per domain.

Which handler applies which effect is the table in ``bot.effects``.
"""
