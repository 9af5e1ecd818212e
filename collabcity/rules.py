"""Who may do what in the core (see STYLE.md, "Who may do what").

Each programme keeps its own predicates in `<app>/rules.py`; django-rules imports them all at
start-up (rules.apps.AutodiscoverRulesConfig) and answers `user.has_perm(name, obj)`.
"""

import rules

from . import registry


@rules.predicate
def may_download_private_file(user, name: str | None) -> bool:
    """Staff holding the permission the file's folder asks for (registry.private_folders)."""
    if name is None or not (user.is_authenticated and user.is_staff):
        return False
    if ".." in name.split("/"):
        return False
    permission = registry.private_folder_permission(name.split("/", 1)[0])
    return permission is not None and user.has_perm(permission)


rules.add_perm("collabcity.download_private_file", may_download_private_file)
