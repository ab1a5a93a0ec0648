"""Print the workflows drawn from their tables: the README's two diagrams, or with --document the
whole of docs/workflows.md (every workflow's diagram and table of moves). Tests compare both."""

from django.core.management.base import BaseCommand

from register import workflow


class Command(BaseCommand):
    help = "Print the README's workflow diagrams, or docs/workflows.md with --document."

    def add_arguments(self, parser):
        parser.add_argument("--document", action="store_true", help="print docs/workflows.md")

    def handle(self, *args, document: bool = False, **options):
        self.stdout.write(workflow.document() if document else workflow.readme_diagrams(), ending="")
