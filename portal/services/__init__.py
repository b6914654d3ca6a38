"""The portal's logic: plain functions that take a session and plain values."""
