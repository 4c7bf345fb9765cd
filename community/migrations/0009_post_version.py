from django.db import migrations, models


class Migration(migrations.Migration):
    """Post.version: the key of a post's cached HTML (a constant default: no table rewrite)."""

    dependencies = [("community", "0008_paging_indexes")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
