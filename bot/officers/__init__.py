"""Officers: accounts, API tokens, the second factor, the inbox of residents' messages, wording."""
