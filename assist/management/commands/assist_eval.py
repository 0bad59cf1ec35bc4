"""precision@3 and recall@5 of the similar cases over a labelled JSON-lines file (see assist.evaluation).

The cases are indexed in a scratch index (nothing is written to the database); the synonym list is the
one in force (the admin's). ``--min`` makes the command fail when a figure falls below it (CI's floor).
"""

from django.core.management.base import BaseCommand, CommandError

from assist import evaluation, index


class Command(BaseCommand):
    help = "评估类似提案：输出 precision@3 和 recall@5"

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines：每行 id、title、body、session、group、lead_unit")
        parser.add_argument("--min", type=float, default=None, help="任一指标低于此值时命令失败（如 0.75）")
        parser.add_argument("--misses", type=int, default=0, help="列出前 N 件未全部找回同组提案的案件")
        parser.add_argument(
            "--merge", type=float, nargs="*", default=None, help="同时评估并案分组（按会议），可给出相似度阈值"
        )

    def handle(self, *args, **options):
        try:
            rows = evaluation.read_jsonl(options["file"])
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{options['file']}")
        except (evaluation.BadFile, UnicodeDecodeError) as error:
            raise CommandError(str(error))
        syn = index.synonyms()
        result = evaluation.evaluate(rows, syn)
        if not result.grouped:
            raise CommandError("文件中没有可评估的案件（需要至少两件同组的案件）。")
        self.stdout.write(
            f"cases={result.cases} grouped={result.grouped} groups={result.groups}\n"
            f"precision@3={result.precision_at_3:.3f}\nrecall@5={result.recall_at_5:.3f}"
        )
        by_id = {r.id: r for r in rows}
        for row, ranked in result.misses[: options["misses"]]:
            got = "；".join(f"{by_id[i].title}[{by_id[i].group or '-'}]" for i in ranked)
            self.stdout.write(f"  未全找回 {row.title}[{row.group}] → {got}")
        if options["merge"] is not None:
            from assist.selectors import MERGE_THRESHOLD

            for threshold in options["merge"] or [MERGE_THRESHOLD]:
                m = evaluation.evaluate_merge(rows, syn, threshold)
                self.stdout.write(
                    f"merge threshold={m.threshold:.2f} groups={m.groups} "
                    f"pair_precision={m.pair_precision:.3f} pair_recall={m.pair_recall:.3f}"
                )
        floor = options["min"]
        if floor is not None and min(result.precision_at_3, result.recall_at_5) < floor:
            raise CommandError(
                f"低于下限 {floor}：precision@3={result.precision_at_3:.3f}，recall@5={result.recall_at_5:.3f}"
            )
