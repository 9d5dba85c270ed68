"""Entries in plain words for the person whose log it is: "Signed in from 127.0.0.1, Firefox on Linux"."""

from __future__ import annotations

import re

from audit.models import AuditAction, AuditEntry

# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", and every Android says "Linux".
BROWSERS = [
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
    (re.compile(r"^curl/", re.IGNORECASE), "a command-line tool"),
]
SYSTEMS = [
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"Linux|X11"), "Linux"),
]


def device_describe(user_agent: str) -> str:
    """The browser and system a user agent names, in words ("Firefox on Linux"); "an app" for a program that
    names neither, "an unknown device" when there is nothing."""
    if not user_agent:
        return "an unknown device"
    browser = next((name for pattern, name in BROWSERS if pattern.search(user_agent)), "")
    system = next((name for pattern, name in SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"a device running {system}" if system else "an app")


SENTENCES = {
    AuditAction.SIGN_IN: "Signed in",
    AuditAction.SIGN_IN_FAILED: "Failed sign-in attempt with your email address",
    AuditAction.SIGN_OUT: "Signed out",
    AuditAction.PASSWORD_CHANGE: "Password changed",
    AuditAction.PASSWORD_RESET: "Password reset by email link",
    AuditAction.EMAIL_CHANGE: "Email address changed",
    AuditAction.TWO_FACTOR_ENABLE: "Two-factor sign-in turned on",
    AuditAction.TWO_FACTOR_DISABLE: "Two-factor sign-in turned off",
    AuditAction.RECOVERY_CODES_REGENERATE: "New recovery codes made (the old ones stopped working)",
    AuditAction.RECOVERY_CODE_USE: "Signed in with a recovery code",
    AuditAction.TWO_FACTOR_FAILED: "A wrong code was given at the second sign-in step",
    AuditAction.SESSIONS_END: "Signed out everywhere: every browser and app sign-in was ended",
    AuditAction.TOKEN_ISSUE: "Signed in to the app",
    AuditAction.TOKEN_REVOKE: "Signed out of the app",
    AuditAction.DATA_EXPORT: "Your data was exported",
    AuditAction.DELETION_REQUEST: "Account deletion requested",
    AuditAction.DELETION_CANCEL: "Account deletion cancelled",
    AuditAction.ACCOUNT_PURGE: "Account deleted",
    AuditAction.ROLE_CHANGE: "Role changed",
    AuditAction.PLAN_CHANGE: "Plan changed",
    AuditAction.STAFF_VIEW: "A staff member looked at your account",
    AuditAction.ADMIN_BULK_ACTION: "An administrator changed your account",
    AuditAction.RULE_DELETE: "Deleted the rule",
    AuditAction.CATEGORY_DELETE: "Deleted the category",
    AuditAction.BANK_IMPORT: "Imported",
}


TWO_FACTOR_METHODS = (AuditAction.TWO_FACTOR_ENABLE, AuditAction.TWO_FACTOR_DISABLE, AuditAction.TWO_FACTOR_FAILED)
TWO_FACTOR_METHOD_WORDS = {
    "totp": "authenticator app",
    "passkey": "passkey",
    "recovery_code": "recovery code",
    "all": "every method",
}

DATA_EXPORT_STEPS = {"asked": "Asked for a copy of your data", "downloaded": "Downloaded the copy of your data",
                     "imported": "Imported a copy of your data from another Finsight into this account"}


def what_happened(entry: AuditEntry) -> str:
    """What happened, without where from."""
    action = AuditAction(entry.action)
    sentence = SENTENCES.get(action, action.label)
    changes = entry.changes or {}
    if action == AuditAction.TOKEN_REVOKE and changes.get("reason") == "reused":
        return "A sign-in to the app was ended because its refresh token was used twice"
    if action in TWO_FACTOR_METHODS and changes.get("method") in TWO_FACTOR_METHOD_WORDS:
        method = TWO_FACTOR_METHOD_WORDS[changes["method"]]
        if changes.get("by") == "staff":
            return f"{sentence} by a staff member ({method})"
        return f"{sentence}: {method}"
    if action == AuditAction.DATA_EXPORT and changes.get("step") in DATA_EXPORT_STEPS:
        return DATA_EXPORT_STEPS[changes["step"]]
    if action in (AuditAction.RULE_DELETE, AuditAction.CATEGORY_DELETE) and entry.target_label:
        return f"{sentence} “{entry.target_label}”"
    if action == AuditAction.BANK_IMPORT:
        created = changes.get("created")
        rows = f"{created} transaction{'' if created == 1 else 's'}" if created is not None else "transactions"
        source = f" from {entry.target_label}" if entry.target_label else ""
        into = f" into {changes['account']}" if changes.get("account") else ""
        return f"{sentence} {rows}{source}{into}"
    return sentence


def entry_describe(entry: AuditEntry) -> str:
    """The whole sentence: what happened, from which address, on which device."""
    sentence = what_happened(entry)
    if entry.ip:
        sentence += f" from {entry.ip}"
    if entry.user_agent:
        sentence += f", {device_describe(entry.user_agent)}"
    return sentence
