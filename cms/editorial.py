"""Who may do what in the CMS: sector editors draft, moderators approve and publish.

Roles (``setup_editorial_roles``, idempotent, run by ``manage.py setup_editorial_roles`` and ``seed_demo``):

- **Moderators** (Wagtail's own group): add, edit, publish, lock and unlock every page (granted on the tree's
  root, so a home page replaced later is still theirs), the menus, the site settings and the search synonyms;
  add, choose and edit every image, document and media file. They are the approvers of the workflow.
- **One group per sector** (``sector_editors_name``, e.g. "医疗健康编辑"): add and edit pages under their
  SectorIndexPage only, never publish; add and choose images and documents, add media. A SectorIndexPage
  created later gets its group by a receiver (``cms.receivers``), so a new sector needs no code.
- **News editors** ("新闻编辑"): add and edit under each ArticleIndexPage and CommunityIndexPage and each
  top-level StandardPage (a new one gets the permission by the same receiver). A *new* top-level page sits
  under the home page, and Wagtail's "add" permission cannot be narrowed to one page type, so adding one
  is the moderators' job. Media is chosen from everyone's uploads only with "change" (wagtailmedia has no
  "choose"), which news editors get so they can use each other's videos in articles.

Wagtail's default **Editors** group may add and edit from the root, i.e. in every sector, which would defeat the
sector groups (permissions add up). Its page permissions are removed; it stays the group that opens the admin
and shares images and documents, so an editor is put in Editors *and* the groups of what they write.

Nobody but moderators publishes: the default workflow (one GroupApprovalTask for Moderators) is kept active and
assigned to the root, so an editor's change goes live only once a moderator approves it. None of these groups
is staff (django-admin, Oscar's dashboard) or may manage users, and no snippet or report they reach lists
residents or bookings.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

MODERATORS = "Moderators"
EDITORS = "Editors"
NEWS_EDITORS = "新闻编辑"
# Editors read these in the admin ("提交给审核发布流程"); migration cms.0005 renamed Wagtail's "Moderators approval".
APPROVAL_WORKFLOW = "审核发布流程"
APPROVAL = "审核员审批"

MODERATOR_PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
EDITOR_PAGE_ACTIONS = ("add", "change")

MODERATOR_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "cms.add_menu",
    "cms.change_menu",
    "cms.delete_menu",
    "cms.change_sitesettings",
    "sitesearch.add_synonym",
    "sitesearch.change_synonym",
    "sitesearch.delete_synonym",
)
EDITOR_PERMISSIONS = ("wagtailadmin.access_admin",)

# Per collection (the root, so every collection): model -> actions.
MODERATOR_MEDIA = {
    "wagtailimages.image": ("add", "choose", "change"),
    "wagtaildocs.document": ("add", "choose", "change"),
    "wagtailmedia.media": ("add", "change"),
}
SECTOR_EDITOR_MEDIA = {
    "wagtailimages.image": ("add", "choose"),
    "wagtaildocs.document": ("add", "choose"),
    "wagtailmedia.media": ("add",),
}
NEWS_EDITOR_MEDIA = {
    "wagtailimages.image": ("add", "choose"),
    "wagtaildocs.document": ("add", "choose"),
    "wagtailmedia.media": ("add", "change"),
}


def sector_editors_name(category):
    """The group of editors of one sector, e.g. "法律服务编辑"."""
    return f"{category.name}编辑"


def setup_editorial_roles():
    """Create the editorial groups, their page permissions and the approval workflow; return how many groups
    were created. Idempotent: safe to run after every deployment and from seed_demo."""
    from cms.models import ArticleIndexPage, CommunityIndexPage, SectorIndexPage, StandardPage

    with transaction.atomic():
        moderators, created = Group.objects.get_or_create(name=MODERATORS)
        count = int(created)
        grant_permissions(moderators, MODERATOR_PERMISSIONS)
        grant_pages(moderators, Page.get_first_root_node(), MODERATOR_PAGE_ACTIONS)
        grant_collections(moderators, MODERATOR_MEDIA)

        editors, created = Group.objects.get_or_create(name=EDITORS)
        count += created
        GroupPagePermission.objects.filter(group=editors).delete()
        grant_permissions(editors, EDITOR_PERMISSIONS)
        grant_collections(editors, SECTOR_EDITOR_MEDIA)

        for page in SectorIndexPage.objects.select_related("category"):
            count += grant_sector_editors(page)
        news_pages = [
            *ArticleIndexPage.objects.all(),
            *CommunityIndexPage.objects.all(),
            *StandardPage.objects.exclude(pk__in=nested_standard_pages()),
        ]
        for page in news_pages:
            count += grant_news_editors(page)

        ensure_approval_workflow(moderators)
    return count


def nested_standard_pages():
    """StandardPages under another StandardPage: covered by the permission on the top one."""
    from cms.models import StandardPage

    tops = StandardPage.objects.values_list("path", flat=True)
    nested = set()
    for page in StandardPage.objects.only("pk", "path"):
        if any(page.path != top and page.path.startswith(top) for top in tops):
            nested.add(page.pk)
    return nested


def grant_sector_editors(sector_page):
    """Give the sector's editors' group (created if missing) add and edit on ``sector_page``'s subtree; return 1 if
    the group was new."""
    group, created = Group.objects.get_or_create(name=sector_editors_name(sector_page.category))
    grant_permissions(group, EDITOR_PERMISSIONS)
    grant_collections(group, SECTOR_EDITOR_MEDIA)
    grant_pages(group, sector_page, EDITOR_PAGE_ACTIONS)
    return int(created)


def grant_news_editors(page):
    """Give the news editors (group created if missing) add and edit on ``page``'s subtree; return 1 if the group
    was new."""
    group, created = Group.objects.get_or_create(name=NEWS_EDITORS)
    grant_permissions(group, EDITOR_PERMISSIONS)
    grant_collections(group, NEWS_EDITOR_MEDIA)
    grant_pages(group, page, EDITOR_PAGE_ACTIONS)
    return int(created)


def grant_permissions(group, names):
    for name in names:
        app_label, codename = name.split(".")
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def grant_pages(group, page, actions):
    page_type = ContentType.objects.get_for_model(Page)
    for action in actions:
        permission = Permission.objects.get(content_type=page_type, codename=f"{action}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def grant_collections(group, actions_by_model):
    root = Collection.get_first_root_node()
    for model, actions in actions_by_model.items():
        app_label, model_name = model.split(".")
        for action in actions:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model_name}")
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def ensure_approval_workflow(moderators):
    """An active workflow whose task moderators approve, on the root unless an active one is there already
    (an administrator's own choice of workflow is kept)."""
    root = Page.get_first_root_node()
    assigned = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if assigned is not None and assigned.workflow.active:
        return assigned.workflow
    task = GroupApprovalTask.objects.filter(active=True, groups=moderators).order_by("pk").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=APPROVAL)
        task.groups.set([moderators])
    workflow = Workflow.objects.filter(active=True, workflow_tasks__task=task).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=APPROVAL_WORKFLOW, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow
