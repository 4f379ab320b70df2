"""The providers that carry messages: one module each (``twilio``, ``smsgate``) holding
its webhook's reading, what its errors mean and its sending, and the registry
(``registry``) generic code asks by provider name."""
