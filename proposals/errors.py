"""The one error type of the workflow.

Checks run in the order of the kinds below, and the first that fails decides the answer:
the API maps them to 404, 403, 409 and 400, the pages to a message in Chinese.
"""

from __future__ import annotations


class WorkflowError(Exception):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    INVALID = "invalid"

    HTTP_STATUS = {NOT_FOUND: 404, FORBIDDEN: 403, CONFLICT: 409, INVALID: 400}

    def __init__(self, kind: str, code: str, message: str, errors: dict[str, list[str]] | None = None):
        assert kind in self.HTTP_STATUS, kind
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message
        self.errors = errors or {}

    @property
    def http_status(self) -> int:
        return self.HTTP_STATUS[self.kind]

    def as_dict(self) -> dict:
        body: dict = {"detail": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body

    def __repr__(self) -> str:
        return f"WorkflowError({self.kind!r}, {self.code!r}, {self.message!r}, {self.errors!r})"


def not_found(code: str = "not_found", message: str = "未找到该提案，或您无权查看。") -> WorkflowError:
    return WorkflowError(WorkflowError.NOT_FOUND, code, message)


def forbidden(code: str, message: str) -> WorkflowError:
    return WorkflowError(WorkflowError.FORBIDDEN, code, message)


def conflict(code: str, message: str) -> WorkflowError:
    return WorkflowError(WorkflowError.CONFLICT, code, message)


def invalid(code: str, message: str, errors: dict[str, list[str]] | None = None) -> WorkflowError:
    return WorkflowError(WorkflowError.INVALID, code, message, errors)
