"""The one exception type that means "the user must change something"."""


class UserError(Exception):
    """A problem in the user's config, data or environment: printed as one line, exit status 2."""

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
