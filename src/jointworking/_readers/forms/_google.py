"""Google Forms: the CSV download, or the linked Google Sheet downloaded as .xlsx.

Columns ``Timestamp``, ``Email address`` (only when the form collects addresses), then
one column per question headed by its wording; a quiz adds ``Score``. Only submitted
responses are exported, so every response is complete. There is no response identifier:
each respondent's identifier is their line (or row) number unless the mapping names one.
"""

from jointworking._readers.forms._layout import Layout

LAYOUT = Layout(
    "Google Forms",
    signature=frozenset({"timestamp"}),
    columns={
        "timestamp": "tool",
        "email address": "personal",
        "score": "tool",
    },
    order=40,
)
