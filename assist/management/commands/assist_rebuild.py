"""Rebuild the similarity index of every case (after a bulk import, or to refresh the idf)."""

import time

from django.core.management.base import BaseCommand

from assist import index


class Command(BaseCommand):
    help = "重建类似提案索引（分词、词频、向量）"

    def handle(self, *args, **options):
        started = time.monotonic()
        n = index.rebuild(progress=lambda msg: self.stdout.write(f"  {msg}") if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(f"已重建类似提案索引：{n} 件，用时 {time.monotonic() - started:.1f} 秒。"))
