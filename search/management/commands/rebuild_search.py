from django.core.management.base import BaseCommand

from search.documents import rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild every product and community search document and the vocabulary used to "
        "correct mistyped words (after a bulk import, or when labels change)."
    )

    def handle(self, *args, **options):
        products, communities = rebuild_all(stdout=self.stdout)
        self.stdout.write(f"{products} product and {communities} community documents built.")
