from enum import StrEnum


class GrantErrorCode(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    SELF_GRANT = "self_grant"
    OPERATOR_CONFLICT = "operator_conflict"
    AUDITOR_EXCLUSIVE = "auditor_exclusive"
    DUPLICATE = "duplicate"
    NO_GRANTEE = "no_grantee"


class OrganizationErrorCode(StrEnum):
    SCHOOL_CODE_TAKEN = "school_code_taken"
    SCHOOL_CODE_REQUIRED = "school_code_required"
    NOT_A_SCHOOL = "not_a_school"
    ALREADY_CLOSED = "already_closed"
    HAS_ACTIVE_CHILDREN = "has_active_children"
    INVALID_PARENT = "invalid_parent"


class RoleErrorCode(StrEnum):
    BUILTIN = "builtin"
    INVALID_ACTIONS = "invalid_actions"
