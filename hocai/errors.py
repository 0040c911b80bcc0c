"""Errors a person can act on: the message is one Vietnamese sentence, shown without a traceback."""


class UserError(Exception):
    """Bad input or a state the user can fix; the CLI prints the message and exits 2."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
