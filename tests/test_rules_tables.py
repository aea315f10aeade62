"""table-balance: the 勾稽关系 of the statistical tables."""

from support import check_text, findings_of, good_report, seed_text

REQUESTS_OK = """三、收到和处理政府信息公开申请情况

(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计
\t\t自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他
一、本年新收政府信息公开申请数量\t\t{new}
二、上年结转政府信息公开申请数量\t\t{cin}
三、本年度办理结果\t(一)予以公开\t\t{pub}
\t(四)无法提供\t1.本机关不掌握相关政府信息\t{none}
(七)总计\t\t{tot}
四、结转下年度继续办理\t\t{cout}
"""


def report_with(new, cin, pub, none, tot, cout):
    row = lambda xs: "\t".join(str(x) for x in xs)  # noqa: E731
    table = REQUESTS_OK.format(new=row(new), cin=row(cin), pub=row(pub), none=row(none), tot=row(tot), cout=row(cout))
    text = good_report()
    a = text.index("三、收到和处理政府信息公开申请情况")
    b = text.index("四、政府信息公开行政复议、行政诉讼情况")
    return text[:a] + table + "\n" + text[b:]


def test_table_balance_fires_when_columns_do_not_balance():
    text = report_with(new=[10, 2, 0, 0, 0, 0, 12], cin=[1, 0, 0, 0, 0, 0, 1], pub=[8, 2, 0, 0, 0, 0, 10],
                       none=[2, 0, 0, 0, 0, 0, 2], tot=[10, 2, 0, 0, 0, 0, 12], cout=[0, 0, 0, 0, 0, 0, 0])
    found = findings_of(check_text(text), "table-balance")
    cols = sorted(dict(f.evidence)["column"] for f in found)
    assert cols == ["总计", "自然人"]  # 10+1 != 10+0 and 12+1 != 12+0
    assert all(f.line and f.section == "收到和处理政府信息公开申请情况" for f in found)


def test_table_balance_fires_on_row_total_and_result_sum():
    text = report_with(new=[5, 1, 0, 0, 0, 0, 7], cin=[0] * 7, pub=[3, 1, 0, 0, 0, 0, 4],
                       none=[1, 0, 0, 0, 0, 0, 1], tot=[5, 1, 0, 0, 0, 0, 6], cout=[0] * 7)
    msgs = [f.message for f in findings_of(check_text(text), "table-balance")]
    assert any("本年新收政府信息公开申请数量”一行的总计为 7" in m for m in msgs)
    assert any("办理结果各项之和为 4" in m for m in msgs)


def test_table_balance_fires_on_review_table():
    text = good_report().replace("行政复议\t行政诉讼\n0\t0\n",
                                 "行政复议\t行政诉讼\n1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n")
    found = findings_of(check_text(text), "table-balance")
    assert [dict(f.evidence)["group"] for f in found] == ["行政复议"]


def test_table_balance_silent_on_balanced_tables():
    text = report_with(new=[10, 2, 0, 0, 0, 0, 12], cin=[1, 0, 0, 0, 0, 0, 1], pub=[9, 2, 0, 0, 0, 0, 11],
                       none=[1, 0, 0, 0, 0, 0, 1], tot=[10, 2, 0, 0, 0, 0, 12], cout=[1, 0, 0, 0, 0, 0, 1])
    assert findings_of(check_text(text), "table-balance") == []
    for num in ("001", "003", "004"):  # real tables: tab rows, pipe one-cell-per-line, a broken row in 003
        assert findings_of(check_text(seed_text(num)), "table-balance") == []


def test_table_balance_silent_when_table_unreadable():
    # a missing cell shifts the row: the rule cannot be sure, so it says nothing
    text = report_with(new=[10, 2, 0, 0, 0, 12], cin=[1, 0, 0, 0, 0, 0, 1], pub=[9, 2, 0, 0, 0, 0, 11],
                       none=[1, 0, 0, 0, 0, 0, 1], tot=[10, 2, 0, 0, 0, 0, 99], cout=[0] * 7)
    found = findings_of(check_text(text), "table-balance")
    assert all("本年新收" not in f.message for f in found)
