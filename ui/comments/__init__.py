"""Review comments in the window: the Comments box of the details views."""
