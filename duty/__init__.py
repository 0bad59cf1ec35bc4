"""Members' duty work (委员履职, issue 24 part 1): activities and attendance, duty points traced to records,
the yearly 履职档案, the 常委's yearly self-report, and the yearly assessment with its 通报.

duty owns: Activity (meetings, 调研/视察/协商 with their opinions and report, 界别 activities, visits to members,
reading activities), Participation (invited / present / leave with reason / unexcused absence, confirmed by the
member), Opinion, the versioned PointRule table and AssessmentPolicy an administrator edits, SelfReport, and
Assessment with its results. Points are never typed: ``duty.points`` derives them from the records (proposals'
cases and proposer rows, the activities) with the rules of the year. Who sees what is decided in
``duty.access`` (pages and API alike). It sits above proposals, jobs and notifications and below reporting,
which may import it (the documents register the 履职档案 and the 通报 from ``duty.selectors``' contexts).
社情民意信息 (issue 25) will add its own point sources to ``duty.points.SOURCES``.
"""
