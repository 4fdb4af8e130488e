"""Auto-linking: every unlinked accepted span of one annotator to an entity, in one undo step.

The parts, each by its responsibility:
- `names`: the words of a name (label families, today's spelling, variants, known places);
- `keys`: name keys and which contains which (the index short forms find full names in);
- `state`: what one planning pass knows (`Mention`, `Group`, `PlanState`);
- `context`: choosing among candidate entities by the words around a mention;
- `planner`: the steps from mentions to an `AutoLinkPlan` with a confidence per link;
- `commands`: a plan as one undoable command, and confirming auto links.
The names below are the ones the window, the CLI and the benchmarks use.
"""

from annotator.core.autolink.commands import (
    ChangeEntities,
    RelinkSpans,
    accept_auto_links,
    auto_links,
    autolink_command,
)
from annotator.core.autolink.planner import (
    DEFAULT_THRESHOLD,
    DOUBTFUL,
    AutoLinkPlan,
    Link,
    plan_autolink,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DOUBTFUL",
    "AutoLinkPlan",
    "ChangeEntities",
    "Link",
    "RelinkSpans",
    "accept_auto_links",
    "auto_links",
    "autolink_command",
    "plan_autolink",
]
