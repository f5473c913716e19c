"""Outbound voice reminders: rules, scheduler, quiet hours, caps, retry ladder, campaign runner, outcomes."""
