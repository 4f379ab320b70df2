"""What a contact asked of the bot (language, opting out and in, LANJUT) and notices to many residents through the broadcast machinery."""
