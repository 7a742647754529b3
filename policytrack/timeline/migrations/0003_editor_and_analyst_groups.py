"""Two groups: Editors (view, add and change everything; evidence — documents and claims —
is never deleted by an editor) and Analysts (view only). Editors also need staff status to
enter the admin."""

from django.db import migrations

MODELS = ["agency", "topic", "instrument", "instrumentrelation", "document", "event", "claim", "statusperiod"]
EVIDENCE = {"document", "claim"}
DERIVED = {"statusperiod"}


def codenames(editor):
    for model in MODELS:
        yield f"view_{model}"
        if editor and model not in DERIVED:
            yield f"add_{model}"
            yield f"change_{model}"
            if model not in EVIDENCE:
                yield f"delete_{model}"


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, editor in (("Editors", True), ("Analysts", False)):
        group, _ = Group.objects.get_or_create(name=name)
        wanted = list(codenames(editor))
        group.permissions.set(Permission.objects.filter(content_type__app_label="timeline", codename__in=wanted))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Analysts"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0002_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
