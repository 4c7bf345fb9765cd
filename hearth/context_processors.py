from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "CRISIS_RESOURCES": settings.HEARTH_CRISIS_RESOURCES,
            "HEARTH_DEMO": settings.HEARTH_DEMO}
