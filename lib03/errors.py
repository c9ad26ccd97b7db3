"""The small exception hierarchy; messages are Vietnamese because analysts read them."""


class Lib03Error(Exception):
    """Base class for every error lib03 raises on purpose."""


class RegistryError(Lib03Error):
    """The unit registry is missing or cannot be read."""


class RawFolderError(Lib03Error):
    """The raw data folder is missing or cannot be listed."""


class WorkbookError(Lib03Error):
    """A workbook cannot be opened; `code` is the quality-log code to record."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class SettingsError(Lib03Error):
    """The settings file holds a value lib03 cannot use."""
