"""The approval workflow and its task are named in Chinese: editors read them in the admin ("提交给审核发布流程");
so is the tree's root, which moderators meet in the breadcrumbs (Wagtail made it "Root").

Wagtail's own migration named both after the group that publishes ("Moderators approval"), and so did
``cms.editorial.ensure_approval_workflow`` until now; a workflow an administrator has renamed is left alone.
"""

from django.db import migrations

OLD = "Moderators approval"
WORKFLOW = "审核发布流程"
TASK = "审核员审批"
ROOT = "全部站点"


def rename(apps, schema_editor, workflow_from, workflow_to, task_from, task_to):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=workflow_from).update(name=workflow_to)
    apps.get_model("wagtailcore", "Task").objects.filter(name=task_from).update(name=task_to)


def retitle_root(apps, title_from, title_to):
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title=title_from).update(
        title=title_to, draft_title=title_to
    )


def to_chinese(apps, schema_editor):
    rename(apps, schema_editor, OLD, WORKFLOW, OLD, TASK)
    retitle_root(apps, "Root", ROOT)


def to_english(apps, schema_editor):
    rename(apps, schema_editor, WORKFLOW, OLD, TASK, OLD)
    retitle_root(apps, ROOT, "Root")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_remove_unsafe_menu_links"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(to_chinese, to_english)]
