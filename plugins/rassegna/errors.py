"""The one kind of error that stops a build with a message for the curator."""


class BuildError(Exception):
    """Bad input the build cannot go on with; the message names the file."""
