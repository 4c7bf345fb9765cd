"""Every write to the forum. Views and tasks call these; each validates, writes in one
transaction and defers side effects (signals, live events) to on_commit.

The services live in modules by subject; import them from here:
`from community.services import post_reply` (or `from community import services`).
"""

from .base import (  # noqa: F401
    BODY_MAX,
    TITLE_MAX,
    PostingNotAllowed,
    RateLimited,
)
from .communities import (  # noqa: F401
    community_join,
    community_leave,
    membership_approve,
    membership_decline,
    membership_set_level,
)
from .drafts import (  # noqa: F401
    DRAFT_RATE,
    draft_discard,
    draft_save,
)
from .posting import (  # noqa: F401
    _new_post,
    post_approve,
    post_body_replace,
    post_delete,
    post_edit,
    post_hide,
    post_reply,
    post_restore,
    post_screened,
    thread_create,
    thread_mark_crisis,
    thread_move,
    thread_set_flags,
)
from .reactions import (  # noqa: F401
    answer_vote,
    bookmark_toggle,
    post_accept,
    reaction_toggle,
    thread_follow,
    thread_follow_toggle,
)
from .reads import (  # noqa: F401
    thread_mark_read,
    thread_reads_flush,
)
