"""The staff console: server-rendered pages for field officers and admins (sign-in, live line, calls, meetings,
reminders, audit); `ivr.console.router.include_console(app, settings)` mounts it at /console."""
