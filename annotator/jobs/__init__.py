"""Work that runs in a child process beside the window (suggestions, exports); no Qt here."""
