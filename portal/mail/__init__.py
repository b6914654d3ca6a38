"""Email: composing a message from an outbox row (compose), handing it to SMTP or, in
development, to a folder of .eml files (transport), and the worker's drain (delivery)."""
