"""The demo library (seed_demo): two published articles by drlee, one in English and Spanish."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import User
from community.models import Community

from . import services
from .models import Article

WALKING_EN = """A short walk after a meal helps your body use the sugar from the food.

### How to start

- Walk for 10 to 15 minutes after your biggest meal.
- Go at a pace where you can still talk.
- Carry water, and a snack if you take insulin.

Stop and rest if you feel dizzy, shaky or short of breath. Tell your care team how it goes."""

WALKING_ES = """Una caminata corta después de comer ayuda a su cuerpo a usar el azúcar de la comida.

### Cómo empezar

- Camine de 10 a 15 minutos después de su comida más grande.
- Vaya a un ritmo en el que todavía pueda hablar.
- Lleve agua, y algo de comer si usa insulina.

Pare y descanse si se siente mareado o le falta el aire. Cuéntele a su equipo cómo le va."""

SALT_EN = """Most salt we eat is already in food when we buy it: bread, soups, sauces and
ready meals. Reading labels helps you choose.

- Look for "low sodium" or under 140 mg a serving.
- Cook at home when you can, with herbs and lemon for taste.
- Your taste buds adapt in a few weeks."""


def seed_demo_library() -> list[Article]:
    drlee = User.objects.get(username="drlee")
    admin = User.objects.get(username="admin")
    diabetes = Community.objects.get(slug="type-2-diabetes")
    heart = Community.objects.get(slug="heart-health")
    today = timezone.localdate()
    made = []
    for community, title, body, language, translation_of in (
            (diabetes, "Walking after meals", WALKING_EN, "en", None),
            (diabetes, "Caminar después de comer", WALKING_ES, "es", "Walking after meals"),
            (heart, "Salt: where it hides", SALT_EN, "en", None)):
        article = Article.objects.filter(title=title).first()
        if article is None:
            original = Article.objects.filter(title=translation_of).first() \
                if translation_of else None
            article = services.article_create(
                author=drlee, community=community, title=title, body=body, language=language,
                sources="American Diabetes Association, Standards of Care 2025\n"
                        "https://www.cdc.gov/diabetes/",
                reviewer=admin, last_reviewed_on=today - datetime.timedelta(days=30),
                next_review_on=today + datetime.timedelta(days=335), translation_of=original)
            services.article_publish(actor=drlee, article=article)
        made.append(article)
    return made
