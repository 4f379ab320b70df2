"""Complaints (PPM): filing from ADUAN, the officers' queue, actions, audit, duplicates, escalation, notices to the complainant."""
