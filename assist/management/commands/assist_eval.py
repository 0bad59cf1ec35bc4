"""Evaluate review assistance over labelled files (see assist.evaluation).

- ``assist_eval FILE``: precision@3 and recall@5 of the similar cases (issue 15); ``--merge``: merge groups.
- ``assist_eval FILE --units``: top-1/top-3 accuracy of the suggested lead unit on the file's ``lead_unit``
  labels, leave-one-out and on a time split (train on the earlier sessions, test on the latest).
- ``assist_eval --units-db``: the same time split on the database's assigned cases (the demo: seed_demo).
- ``assist_eval --precheck FILE``: each 预审 rule's firing rate on its examples, the share of clean cases
  given any advice, and the time a check takes.

The cases are indexed in a scratch index (nothing is written to the database); the synonym list is the
one in force (the admin's). The ``--min*`` / ``--max*`` options make the command fail below a floor (CI).
"""

from django.core.management.base import BaseCommand, CommandError

from assist import evaluation, index


class Command(BaseCommand):
    help = "评估审查辅助：类似提案 precision@3/recall@5、建议承办单位准确率、预审规则命中率"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON Lines：每行 id、title、body、session、group、lead_unit")
        parser.add_argument("--min", type=float, default=None, help="任一指标低于此值时命令失败（如 0.75）")
        parser.add_argument("--misses", type=int, default=0, help="列出前 N 件未全部找回同组提案的案件")
        parser.add_argument(
            "--merge", type=float, nargs="*", default=None, help="同时评估并案分组（按会议），可给出相似度阈值"
        )
        parser.add_argument("--units", action="store_true", help="评估建议主办单位（文件的 lead_unit 标注）")
        parser.add_argument("--units-db", action="store_true", help="在数据库（演示数据）上按时间切分评估建议主办单位")
        parser.add_argument("--units-min", type=float, default=None, help="top-3 准确率低于此值时命令失败")
        parser.add_argument("--precheck", metavar="FILE", help="评估预审规则（预审样例 JSON Lines）")
        parser.add_argument("--precheck-min-rule", type=float, default=None, help="任一规则命中率低于此值时失败")
        parser.add_argument("--precheck-max-clean", type=float, default=None, help="无问题样例的提示率高于此值时失败")
        parser.add_argument("--precheck-max-ms", type=float, default=None, help="单件检查耗时（最大值）超过此值时失败")

    def handle(self, *args, **options):
        if not (options["file"] or options["units_db"] or options["precheck"]):
            raise CommandError("请给出标注文件，或使用 --units-db / --precheck FILE。")
        syn = index.synonyms()
        failures: list[str] = []
        if options["file"]:
            rows = self._read(evaluation.read_jsonl, options["file"])
            if options["units"]:
                cases = evaluation.units_from_labelled(rows)
                if not cases:
                    raise CommandError("文件中没有 lead_unit 标注。")
                train, test = evaluation.time_split(cases)
                results = [evaluation.evaluate_units("leave-one-out", cases, cases, syn)]
                if train and test:
                    results.append(evaluation.evaluate_units("time-split", train, test, syn))
                failures += self._units(results, options["units_min"])
            else:
                failures += self._similar(rows, syn, options)
        if options["units_db"]:
            train, test = evaluation.time_split(evaluation.units_from_database())
            if not train or not test:
                raise CommandError("数据库中没有足够的已交办提案（需要至少两次会议的交办记录）。")
            failures += self._units(
                [evaluation.evaluate_units("database time-split", train, test, syn)], options["units_min"]
            )
        if options["precheck"]:
            failures += self._precheck(options)
        if failures:
            raise CommandError("低于下限：" + "；".join(failures))

    def _read(self, reader, path):
        try:
            return reader(path)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}")
        except (evaluation.BadFile, UnicodeDecodeError) as error:
            raise CommandError(str(error))

    def _similar(self, rows, syn, options) -> list[str]:
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
            return [f"precision@3={result.precision_at_3:.3f}，recall@5={result.recall_at_5:.3f}（下限 {floor}）"]
        return []

    def _units(self, results, floor) -> list[str]:
        failures = []
        for r in results:
            self.stdout.write(f"units {r.name}: train={r.train} test={r.test} top1={r.top1:.3f} top3={r.top3:.3f}")
            if floor is not None and r.top3 < floor:
                failures.append(f"建议主办单位 {r.name} top3={r.top3:.3f}（下限 {floor}）")
        return failures

    def _precheck(self, options) -> list[str]:
        from assist import precheck

        rows = self._read(evaluation.read_precheck, options["precheck"])
        result = evaluation.evaluate_precheck(rows, index.synonyms(), precheck.body_bounds())
        self.stdout.write(
            f"precheck cases={result.cases} clean={result.clean} "
            f"clean_with_advice={result.clean_with_advice} ({result.clean_advice_rate:.3f})"
        )
        failures = []
        floor = options["precheck_min_rule"]
        for rule, (hit, n) in result.fired.items():
            rate = result.rate(rule)
            self.stdout.write(f"  rule {rule:<11} {precheck.RULES[rule]}: {hit}/{n} = {rate:.3f}")
            if n == 0:
                failures.append(f"规则 {rule} 没有样例")
            elif floor is not None and rate < floor:
                failures.append(f"规则 {rule} 命中率 {rate:.3f}（下限 {floor}）")
        self.stdout.write(f"precheck time per case: p95={result.p95_ms:.1f} ms max={result.max_ms:.1f} ms")
        for row, rules in result.misses[: options["misses"]]:
            self.stdout.write(
                f"  {'无问题' if not row['label'] else row['label']} #{row['id']} {row['title']} → {rules}"
            )
        if options["precheck_max_clean"] is not None and result.clean_advice_rate > options["precheck_max_clean"]:
            failures.append(f"无问题样例提示率 {result.clean_advice_rate:.3f}（上限 {options['precheck_max_clean']}）")
        if options["precheck_max_ms"] is not None and result.max_ms > options["precheck_max_ms"]:
            failures.append(f"单件检查最长 {result.max_ms:.1f} ms（上限 {options['precheck_max_ms']}）")
        return failures
