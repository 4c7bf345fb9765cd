"""Demo communities, people and conversations, so Hearth looks alive on first run.

Idempotent: a second run finds what is there and adds nothing twice.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import ClinicianProfile, User
from community import services as forum
from community.markdown import render_markdown
from community.models import Community, Membership, Thread
from notifications import services as notifications
from notifications.models import NotificationSettings

PASSWORD = "hearth-demo"  # noqa: S105 - the documented demo password

COMMUNITIES = [
    ("type-2-diabetes", "Type 2 Diabetes", "#2f6f73", "public", False,
     "Living with type 2 diabetes: food, glucose, medicines, and keeping going."),
    ("heart-health", "Heart Health", "#9b2c2c", "public", False,
     "Blood pressure, cholesterol, heart failure and recovery after a heart event."),
    ("breast-cancer", "Breast Cancer", "#a23b72", "public", False,
     "Diagnosis, treatment and life after: patients and survivors supporting each other."),
    ("caregivers", "Caregivers", "#5a4e9c", "public", False,
     "For people caring for a parent, partner or child. You are not alone."),
    ("mental-health", "Mental Health", "#2b5f8a", "private", True,
     "A private, moderated space for anxiety, depression and everyday coping. "
     "Anonymous posting is allowed."),
]

GUIDELINES = """Be kind. Share your experience, not prescriptions. Keep personal details
(full names, phone numbers, record numbers, addresses) out of posts.
If you are in crisis, call or text **988** (US) or your local emergency number."""

PEOPLE = [
    # username, email, first, last, staff, superuser
    ("maria", "maria@example.org", "Maria", "Lopez", False, False),
    ("james", "james@example.org", "James", "Carter", False, False),
    ("drlee", "drlee@example.org", "Grace", "Lee", False, False),
    ("sam", "sam@example.org", "Sam", "Okafor", False, False),
    ("admin", "admin@example.org", "Alex", "Admin", True, True),
]

# Members who stayed away, so that a digest is due on a fresh demo whoever signs in as the
# people above (`python manage.py send_digests --now` writes theirs to var/mail/):
# username, email, first, last, language, digest frequency, days since last seen, communities.
AWAY = [
    ("tom", "tom@example.org", "Tom", "Baker", "en", NotificationSettings.Frequency.DAILY, 3,
     ("caregivers", "heart-health", "type-2-diabetes")),
    ("rosa", "rosa@example.org", "Rosa", "Medina", "es", NotificationSettings.Frequency.WEEKLY,
     10, ("type-2-diabetes", "breast-cancer", "caregivers")),
]

THREADS = [
    ("type-2-diabetes", "maria", "question",
     "Is it normal for my morning glucose to be higher than at bedtime?",
     "I've been checking every day and my fasting numbers are often higher than the night "
     "before, even when I don't eat after dinner. Has anyone else seen this?",
     [("james", "Yes! My nurse called it the *dawn phenomenon*. A short walk after dinner "
                "helped me a bit."),
      ("drlee", "This is common. Hormones released early in the morning raise glucose. "
                "Keep a log for two weeks and bring it to your care team; they may adjust "
                "the timing of your medicine.")]),
    ("type-2-diabetes", "james", "discussion", "Favourite low-carb breakfasts?",
     "Eggs are getting boring. What do you all eat in the morning?",
     [("maria", "Greek yoghurt with berries and a few walnuts keeps me full till lunch."),
      ("sam", "Welcome everyone, and a reminder to check big diet changes with your team.")]),
    ("type-2-diabetes", "maria", "discussion", "Three months of walking: my A1C went down",
     "I started walking 20 minutes after dinner. My A1C went from 8.1 to 7.2. Small steps!",
     [("james", "That's wonderful, congratulations!")]),
    ("heart-health", "james", "question", "How did you get used to a low-salt diet?",
     "After my heart failure diagnosis I was told to cut salt. Everything tastes bland. Tips?",
     [("maria", "Lemon, garlic and herbs. It took me about three weeks to stop missing salt."),
      ("drlee", "Taste buds adapt within a few weeks. Read labels: bread and soups hide a lot "
                "of sodium.")]),
    ("heart-health", "maria", "discussion", "Cardiac rehab: is it worth it?",
     "My doctor referred me to cardiac rehab after my stent. Did it help you?", []),
    ("breast-cancer", "maria", "question", "What helped you through the fatigue of radiation?",
     "Week three of radiation and I'm exhausted. What helped you?",
     [("james", "My wife went through it: short naps and letting friends cook for us.")]),
    ("breast-cancer", "james", "discussion", "Supporting my wife after surgery",
     "She comes home next week. What did you find most helpful from your family?", []),
    ("caregivers", "james", "discussion", "Taking a break without guilt",
     "I care for my dad with dementia. How do you find time for yourselves?",
     [("maria", "Our local respite program gives me one afternoon a week. Worth asking about."),
      ("sam", "Thank you for sharing this. Caregiver burnout is real; look after yourselves.")]),
    ("caregivers", "maria", "question", "Organising medicines for a parent",
     "My mum takes nine different medicines. Any tools that help keep track?",
     [("drlee", "A weekly pill organiser and one up-to-date list that goes to every "
                "appointment. Ask the pharmacist for a medication review.")]),
    ("mental-health", "maria", "discussion", "Small things that help on hard days",
     "Making my bed, a short walk, texting one friend. What are yours?",
     [("james", "Music and a shower. Sounds silly but it helps.")]),
]


class Command(BaseCommand):
    help = "Create the demo communities, accounts (password hearth-demo) and discussions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Seed even in production (DEBUG off): creates the staff account admin with "
                 "the published password hearth-demo.")
        parser.add_argument(
            "--no-history", action="store_true",
            help="Leave out the six months of activity behind the insights charts (faster).")
        parser.add_argument(
            "--rollup-later", action="store_true",
            help="Let the worker roll up the history's days once it runs (make run: serves "
                 "sooner; the insights charts fill in within a minute).")

    def handle(self, *args, **options):
        production = not (settings.DEBUG or settings.HEARTH_DEMO or settings.TESTING)
        if production and not options["force"]:
            raise CommandError(
                "Refusing to seed demo data in production (DEBUG is off): it creates the staff "
                "account admin and members whose password, hearth-demo, is published. Run it "
                "with --force only on a server nobody else can reach, and change or delete "
                "those accounts afterwards.")
        steps = len(COMMUNITIES) + len(PEOPLE) + len(AWAY) + len(THREADS)
        with tqdm(total=steps, desc="Seeding demo", unit="step",
                  disable=options.get("verbosity", 1) == 0) as bar:
            communities = self._communities(bar)
            people = self._people(bar)
            self._memberships(people, communities)
            self._threads(people, communities, bar)
            self._away(communities, bar)
        from events.demo import seed_demo_events  # one past and one upcoming expert Q&A
        from learn.demo import seed_demo_library  # articles, one in English and Spanish
        from mentors.demo import seed_demo_mentor  # james, volunteer mentor in Type 2 Diabetes

        seed_demo_library()
        seed_demo_events()
        seed_demo_mentor()
        if options.get("no_history"):
            self.stdout.write(self.style.SUCCESS("Demo data ready (without history)."))
            return
        from insights.demo_history import seed_history  # six months of activity for insights

        later = options.get("rollup_later", False)
        made = seed_history(rollup_later=later, progress=lambda days: tqdm(
            days, desc="Demo history", unit="day", disable=options.get("verbosity", 1) == 0))
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready; the worker rolls up its history for the insights charts."
            if later and made else "Demo data ready."))

    def _communities(self, bar):
        result = {}
        for slug, name, color, visibility, anonymous, description in COMMUNITIES:
            community, _created = Community.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name, "color": color, "visibility": visibility,
                    "allow_anonymous": anonymous, "description": description,
                    "guidelines": GUIDELINES, "guidelines_html": render_markdown(GUIDELINES),
                },
            )
            result[slug] = community
            bar.update()
        return result

    def _demo_password(self) -> str:
        """PASSWORD hashed once for every demo account (each hash takes about 0.3 s by
        design; the demo's password is public anyway)."""
        if not hasattr(self, "_hashed"):
            self._hashed = make_password(PASSWORD)
        return self._hashed

    def _people(self, bar):
        result = {}
        for username, email, first, last, staff, superuser in PEOPLE:
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                user = User(username=username, email=email, first_name=first, last_name=last,
                            is_staff=staff, is_superuser=superuser,
                            date_joined=timezone.now() - timedelta(days=60))
                user.password = self._demo_password()
                user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            result[username] = user
            bar.update()
        ClinicianProfile.objects.get_or_create(
            user=result["drlee"],
            defaults={"credentials": "MD", "specialty": "Endocrinology",
                      "organisation": "Hearth General Hospital", "licence_state": "CA",
                      "npi": "1234567893", "status": ClinicianProfile.Status.VERIFIED,
                      "decided_at": timezone.now(), "decided_by": result["admin"]},
        )
        # admin answers "ask the hospital" (/ask/inbox/) as the patient-experience team
        from django.contrib.auth.models import Group

        from messaging.permissions import PATIENT_EXPERIENCE_GROUP

        result["admin"].groups.add(Group.objects.get_or_create(name=PATIENT_EXPERIENCE_GROUP)[0])
        return result

    def _memberships(self, people, communities):
        for community in communities.values():
            for username in ("maria", "james", "drlee", "sam"):
                role = Membership.Role.MODERATOR if username == "sam" else Membership.Role.MEMBER
                membership, created = Membership.objects.get_or_create(
                    user=people[username], community=community,
                    defaults={"role": role, "status": Membership.Status.ACTIVE,
                              "level": Membership.Level.WATCHING},
                )
                if created:
                    Community.objects.filter(pk=community.pk).update(
                        member_count=Membership.objects.filter(
                            community=community, status=Membership.Status.ACTIVE).count())

    @transaction.atomic
    def _threads(self, people, communities, bar):
        for slug, author, kind, title, body, replies in THREADS:
            community = communities[slug]
            if Thread.objects.filter(community=community, title=title).exists():
                bar.update()
                continue
            thread = self._create_thread(community, people[author], kind, title, body)
            for reply_author, reply_body in replies:
                post = self._reply(thread, people[reply_author], reply_body)
                if reply_author == "drlee" and thread.is_question and slug == "type-2-diabetes":
                    Thread.objects.filter(pk=thread.pk).update(accepted_post=post)
            bar.update()

    def _create_thread(self, community, author, kind, title, body):
        thread = Thread.objects.create(community=community, author=author, title=title,
                                       kind=kind, status=Thread.Status.HELD)
        post = forum._new_post(thread=thread, author=author, body=body, anonymous=False)
        forum.post_screened(post=post, held=False)
        thread.refresh_from_db()
        return thread

    def _reply(self, thread, author, body):
        post = forum._new_post(thread=thread, author=author, body=body, anonymous=False)
        return forum.post_screened(post=post, held=False)

    def _away(self, communities, bar):
        """Members last seen days ago with digests on: the demo's digests are due."""
        for username, email, first, last, language, frequency, days, slugs in AWAY:
            if User.objects.filter(username__iexact=username).exists():
                bar.update()
                continue
            user = User(username=username, email=email, first_name=first, last_name=last,
                        language=language, date_joined=timezone.now() - timedelta(days=90),
                        last_seen_at=timezone.now() - timedelta(days=days))
            user.password = self._demo_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            notifications.settings_update(user=user, digest_frequency=frequency)
            for slug in slugs:
                Membership.objects.create(user=user, community=communities[slug],
                                          role=Membership.Role.MEMBER,
                                          status=Membership.Status.ACTIVE)
                Community.objects.filter(pk=communities[slug].pk).update(
                    member_count=Membership.objects.filter(
                        community=communities[slug], status=Membership.Status.ACTIVE).count())
            bar.update()
