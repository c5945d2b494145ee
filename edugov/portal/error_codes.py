from enum import StrEnum


class PortalErrorCode(StrEnum):
    """Codes carried by the ValidationErrors the portal's actions raise."""

    CASE_CLOSED = "case_closed"
    CASE_NOT_OPEN = "case_not_open"
    CLOCK_PAUSED = "clock_paused"
    CLOCK_NOT_PAUSED = "clock_not_paused"
    EXTENSION_TOO_LONG = "extension_too_long"
    ALREADY_EXTENDED = "already_extended"
    INVALID_TEXT = "invalid_text"
    ATTACHMENT_REJECTED = "attachment_rejected"
    RATE_LIMITED = "rate_limited"
    NOT_REQUESTER = "not_requester"
    ALREADY_RATED = "already_rated"
    REOPEN_NOT_ALLOWED = "reopen_not_allowed"
    WRONG_SITE = "wrong_site"
    NOT_A_TRANSLATION = "not_a_translation"
    INVALID_TRANSLATION_STATUS = "invalid_translation_status"
