"""Areas: the kelurahan tree and its import, officers' scoping, public figures, local time and working days."""
