"""Microsoft Forms: an .xlsx download ("Open results in Excel").

Columns ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``, ``Last
modified time`` (newer forms), then one column per question headed by its wording; a quiz
adds ``Total points``, ``Quiz feedback`` and ``Points - ...`` and ``Feedback - ...``
columns. Only submitted responses are exported, so every response is complete.
"""

from jointworking._readers.forms._layout import Layout

LAYOUT = Layout(
    "Microsoft Forms",
    signature=frozenset({"id", "start time", "completion time"}),
    columns={
        "id": "id",
        "start time": "tool",
        "completion time": "tool",
        "last modified time": "tool",
        "email": "personal",
        "name": "personal",
        "total points": "tool",
        "quiz feedback": "tool",
        "grade posted time": "tool",
        "language": "tool",
    },
    prefixes={"points - ": "tool", "feedback - ": "tool"},
    order=30,
)
