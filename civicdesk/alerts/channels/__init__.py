"""Ways of reaching a person. Each channel raises `DeliveryError` when a message did not
go out; `permanent` says that trying again cannot help (a bad number, a gone browser)."""


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
