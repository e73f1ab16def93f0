"""Telling residents what happened to their bookings: email and SMS."""
