"""KSMs: registration and members, proposals, meetings, monev, the BKM's announcements."""
