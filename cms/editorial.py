"""Who may do what in the CMS: sector editors draft, moderators approve and publish.

(Stub committed by the lead so that seed_demo can call it; the editorial helper fills it in.)
"""

MODERATORS = "Moderators"
NEWS_EDITORS = "新闻编辑"


def sector_editors_name(category):
    """The group of editors of one sector, e.g. "法律服务编辑"."""
    return f"{category.name}编辑"


def setup_editorial_roles():
    """Create the editorial groups, their page permissions and the approval workflow; return how many groups
    were created. Idempotent: safe to run after every deployment and from seed_demo."""
    return 0
